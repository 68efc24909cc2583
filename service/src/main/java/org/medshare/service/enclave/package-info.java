/**
 * The service's side of the simulated trusted execution environment: starting the key-authority and statistics
 * enclaves, running approved queries in the attested worker, and issuing clinicians' ABE keys for the attributes
 * their tokens prove. The host passes ciphertext and approvals only; it never holds a key that opens a record.
 */
package org.medshare.service.enclave;
