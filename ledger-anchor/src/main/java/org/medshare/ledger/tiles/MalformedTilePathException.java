package org.medshare.ledger.tiles;

/**
 * A resource path is not a canonical C2SP tlog-tiles path ({@code tile/<L>/<N>[.p/<W>]},
 * {@code tile/entries/<N>[.p/<W>]} or {@code checkpoint}). The message names the path and the rule it breaks; a
 * server answers such a request as not found.
 */
public final class MalformedTilePathException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedTilePathException(String path, String rule) {
        super("malformed tile path '" + printable(path) + "': " + rule);
    }

    private static String printable(String path) {
        StringBuilder sb = new StringBuilder();
        int limit = Math.min(path.length(), 80);
        for (int i = 0; i < limit; i++) {
            char c = path.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return path.length() > limit ? sb.append("...").toString() : sb.toString();
    }
}
