/**
 * A ledger entry's canonical bytes, so that its leaf hash can be recomputed without trusting the service.
 */
package org.medshare.service.ledger.rest;
