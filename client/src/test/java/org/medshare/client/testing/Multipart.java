package org.medshare.client.testing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** TEST DOUBLE helper: a strict multipart/form-data reader (RFC 7578) for {@link FakeMedshare}. */
final class Multipart {
    private static final Pattern BOUNDARY = Pattern.compile("boundary=([A-Za-z0-9'()+_,./:=?-]{1,70})");
    private static final Pattern NAME = Pattern.compile("name=\"([^\"]+)\"");

    private Multipart() {}

    static Map<String, byte[]> parse(String contentType, byte[] body) {
        Matcher m = BOUNDARY.matcher(contentType == null ? "" : contentType);
        if (contentType == null || !contentType.startsWith("multipart/form-data") || !m.find()) {
            throw new IllegalArgumentException("not multipart/form-data");
        }
        byte[] delim = ("--" + m.group(1)).getBytes(StandardCharsets.US_ASCII);
        Map<String, byte[]> parts = new HashMap<>();
        int pos = indexOf(body, delim, 0);
        if (pos != 0) {
            throw new IllegalArgumentException("body does not start with the boundary");
        }
        while (true) {
            pos += delim.length;
            if (body[pos] == '-' && body[pos + 1] == '-') {
                return parts;
            }
            pos += 2;
            int headerEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), pos);
            String headers = new String(body, pos, headerEnd - pos, StandardCharsets.US_ASCII);
            Matcher n = NAME.matcher(headers);
            if (!n.find()) {
                throw new IllegalArgumentException("part without name");
            }
            int start = headerEnd + 4;
            int next = indexOf(body, delim, start);
            parts.put(n.group(1), Arrays.copyOfRange(body, start, next - 2));
            pos = next;
        }
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException("delimiter not found");
    }
}
