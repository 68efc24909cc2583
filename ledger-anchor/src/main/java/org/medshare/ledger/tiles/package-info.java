/**
 * The audit log served and read as static files in the C2SP tlog-tiles layout, so that regulators, witnesses and
 * mirrors can fetch it with plain HTTP GETs (and cache it) instead of asking the service for proofs.
 *
 * <p>Layout, relative to the log's prefix:
 * <ul>
 *   <li>{@code checkpoint}: the signed checkpoint note (C2SP tlog-checkpoint), the only resource that changes;</li>
 *   <li>{@code tile/<L>/<N>[.p/<W>]}: hash tile {@code N} of level {@code L}: the node hashes of tree level
 *       {@code 8 * L} with indices {@code 256 * N ..}, concatenated (32 bytes each: SHA-256 for the {@code nist}
 *       suite, SM3 for {@code gm}); a full tile holds 256, a partial one the {@code W} (1..255) that the size
 *       allows;</li>
 *   <li>{@code tile/entries/<N>[.p/<W>]}: entry bundle {@code N}: entries {@code 256 * N ..}, each its canonical
 *       event encoding (the bytes its leaf hash covers) behind a big-endian {@code u16} length;</li>
 *   <li>{@code <N>} in groups of three digits, all but the last prefixed with {@code x}
 *       ({@code 1234067} = {@code x001/x234/067}); {@link org.medshare.ledger.tiles.TilePath} writes and parses
 *       exactly that and refuses anything else.</li>
 * </ul>
 *
 * <p>Serving: {@link org.medshare.ledger.tiles.LogTiles} answers those paths for one
 * {@link org.medshare.ledger.tiles.TiledLog} (an {@link org.medshare.ledger.AuditLog}, through
 * {@link org.medshare.ledger.tiles.TiledLog#of}) at one signed checkpoint: only the tiles that size completes, only
 * the right-most partial tile of each level, nothing beyond. Every answer is a pure function of the checkpoint's
 * tree. An entry longer than 65,535 bytes cannot be bundled; its bundle is refused with an I/O error.
 *
 * <p>Reading: {@link org.medshare.ledger.tiles.TileVerifier} trusts only the checkpoint keys it is given. It
 * accepts a checkpoint only when its origin and a trusted signature check and its partial tiles reproduce its
 * root; a full tile only when it hashes to its entry in the accepted tile above; an entry bundle only when every
 * entry hashes to its leaf; a newer checkpoint only when the RFC 9162 consistency proof read from its tiles
 * reaches the older trusted root. Refusals are {@link org.medshare.ledger.tiles.TileVerificationException}s
 * (evidence against the log); a resource that cannot be fetched is an {@link java.io.IOException}.
 *
 * <p>Pure library: JDK only, no HTTP server or client; the service and the command line put it behind their own.
 */
package org.medshare.ledger.tiles;
