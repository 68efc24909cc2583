/**
 * Records from upload to release: every upload check ({@code UploadCheck}), storage, ledger anchoring
 * ({@code RecordAnchoring}), the policies a hospital may set, signing keys, and clinicians' attributes.
 */
package org.medshare.service.records.service;
