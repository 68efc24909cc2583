/**
 * {@code medshare query}, {@code medshare audit export} and {@code medshare payments} (insurer, regulator; the
 * query and audit flows of {@code docs/ARCHITECTURE.md}).
 *
 * <pre>
 * medshare query submit --file REQUEST.json            (insurer)
 * medshare query approve ID | refuse ID --reason TEXT  (regulator)
 * medshare query status ID | list [--limit N]
 * medshare query result ID [--out FILE]                (atomic write; exit 1 and no file without a result)
 * medshare query template submit --file TEMPLATE.json | approve ID VERSION | reject ID VERSION | list
 * medshare audit export --out FILE [--format ndjson] [--from INDEX] [--type TYPE]   (regulator)
 * medshare payments deposit --amount N (insurer) | balance [ORG] (ORG: regulator only)
 * </pre>
 * Every command also takes {@code --server URL --config DIR --token-file FILE --timeout SECONDS}.
 */
package org.medshare.client.query;
