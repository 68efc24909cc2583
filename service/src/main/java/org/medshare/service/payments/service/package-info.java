/**
 * The incentive contract on the embedded EVM, rebuilt from the ledger at start and appended to on every call.
 */
package org.medshare.service.payments.service;
