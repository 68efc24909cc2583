/**
 * A deliberately bad miniature of the module layout: each class breaks one rule of
 * {@code org.medshare.service.architecture.ArchitectureRules}, so the rules are shown to fail.
 */
package org.medshare.archfixture;
