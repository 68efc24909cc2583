/**
 * The key authority's public ABE parameters (plain and attested) and clinicians' key requests.
 */
package org.medshare.service.enclave.rest;
