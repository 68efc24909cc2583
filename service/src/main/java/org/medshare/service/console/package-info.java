/**
 * The web console served under {@code /console/}.
 */
package org.medshare.service.console;
