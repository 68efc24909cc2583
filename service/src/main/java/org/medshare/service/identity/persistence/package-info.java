/**
 * Data access for the register of parties: identifiers and timestamps only.
 */
package org.medshare.service.identity.persistence;
