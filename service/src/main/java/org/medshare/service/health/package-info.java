/**
 * The platform's state for the monitoring page: ledger members, storage nodes and simulated enclaves.
 */
package org.medshare.service.health;
