/**
 * The incentive contract: insurers' escrow, and settling each completed query's price to the hospitals whose
 * records it used, every call recorded on the ledger.
 */
package org.medshare.service.payments;
