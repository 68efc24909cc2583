package org.medshare.client.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A {@code multipart/form-data} body (RFC 7578). Immutable once built; the boundary is random and
 * checked not to occur in any part, so parts may hold arbitrary bytes.
 */
public final class Multipart {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String boundary;
    private final byte[] body;

    private Multipart(String boundary, byte[] body) {
        this.boundary = boundary;
        this.body = body;
    }

    /** The Content-Type header value, with the boundary. */
    public String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    /** The encoded body (a copy). */
    public byte[] body() {
        return body.clone();
    }

    byte[] bodyNoCopy() {
        return body;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects parts in order. */
    public static final class Builder {
        private record Part(String name, String filename, String contentType, byte[] bytes) {}

        private final List<Part> parts = new ArrayList<>();

        private Builder() {}

        /** A text field ({@code text/plain; charset=UTF-8}). */
        public Builder text(String name, String value) {
            return add(name, null, "text/plain; charset=UTF-8", value.getBytes(StandardCharsets.UTF_8));
        }

        /** A binary file part ({@code application/octet-stream}) with the given file name. */
        public Builder binary(String name, String filename, byte[] bytes) {
            if (!NAME.matcher(filename).matches()) {
                throw new IllegalArgumentException("file name must match " + NAME.pattern());
            }
            return add(name, filename, "application/octet-stream", bytes);
        }

        private Builder add(String name, String filename, String contentType, byte[] bytes) {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("part name must match " + NAME.pattern());
            }
            parts.add(new Part(name, filename, contentType, bytes.clone()));
            return this;
        }

        public Multipart build() {
            while (true) {
                byte[] b = new byte[16];
                RANDOM.nextBytes(b);
                String boundary = "medshare-" + HexFormat.of().formatHex(b);
                byte[] marker = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
                if (parts.stream().noneMatch(p -> contains(p.bytes(), marker))) {
                    return new Multipart(boundary, encode(boundary));
                }
            }
        }

        private byte[] encode(String boundary) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(
                    parts.stream().mapToInt(p -> p.bytes().length + 256).sum() + 64);
            for (Part p : parts) {
                StringBuilder h = new StringBuilder("--")
                        .append(boundary)
                        .append("\r\n")
                        .append("Content-Disposition: form-data; name=\"")
                        .append(p.name())
                        .append('"');
                if (p.filename() != null) {
                    h.append("; filename=\"").append(p.filename()).append('"');
                }
                h.append("\r\nContent-Type: ").append(p.contentType()).append("\r\n\r\n");
                out.writeBytes(h.toString().getBytes(StandardCharsets.US_ASCII));
                out.writeBytes(p.bytes());
                out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
            return out.toByteArray();
        }

        private static boolean contains(byte[] hay, byte[] needle) {
            outer:
            for (int i = 0; i + needle.length <= hay.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (hay[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        }
    }
}
