/**
 * Analytics rows ({@code enclave-sim/ROWS.md}): the fixed 32-byte {@link
 * org.medshare.enclave.rows.RowLayout} a hospital extracts from its FHIR bundles ({@link
 * org.medshare.enclave.rows.RowExtractor}), pseudonymised per patient ({@link
 * org.medshare.enclave.rows.PseudonymKey}), encrypted in chunks ({@link
 * org.medshare.enclave.rows.RowChunkCodec}) under a data key derived from the record's ABE
 * encapsulation ({@link org.medshare.enclave.rows.EncryptedRows}).
 */
package org.medshare.enclave.rows;
