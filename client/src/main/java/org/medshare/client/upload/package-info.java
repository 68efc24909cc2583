/**
 * {@code medshare upload} (hospital; the upload flow of {@code docs/ARCHITECTURE.md}).
 *
 * <pre>
 * medshare upload [--server URL] [--config DIR] --policy EXPR [--tag NAME=VALUE]... [--suite nist|gm] [--params FILE]
 *                 [--concurrency N] [--pseudonym-key FILE] [--no-progress] PATH...
 * </pre>
 * Per bundle: idempotency key = {@code b1-} + SHA-256(policy, bytes); record id =
 * {@code UploadStatement.recordId(org, key)}; skipped when the service already shows the record; else rows
 * extracted, bundle and rows encrypted, statement signed with the hospital's Ed25519 key (generated and
 * registered on first use), the three parts spooled under {@code DIR/spool/ORG/} and posted; the spool
 * entry is removed once the service answers. A rerun after an interruption resends spooled bytes (the
 * service replays them) and skips stored records, so nothing is duplicated. Encryption runs on one thread
 * per core and sending on {@code --concurrency} connections, with at most twice that many prepared uploads
 * waiting in between; one FAME encapsulation per record serves the envelope and the rows.
 */
package org.medshare.client.upload;
