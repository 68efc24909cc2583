package org.medshare.client.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.medshare.client.CliFailure;
import org.medshare.client.http.Json;

/** Argument checks shared by the query and audit commands. */
final class Calls {
    private static final long MAX_JSON_FILE = 1L << 20;

    private Calls() {}

    /** An id for a URL path segment: {@code [A-Za-z0-9._-]{1,128}}, else a usage error. */
    static String id(String what, String value) {
        if (value == null || !value.matches("[A-Za-z0-9._-]{1,128}")) {
            throw CliFailure.usage(what + " must be 1-128 characters of [A-Za-z0-9._-]");
        }
        return value;
    }

    /** A JSON file (at most 1 MiB) read and checked to be one well-formed JSON object; returns its bytes. */
    static byte[] jsonFile(Path p) {
        if (!Files.isRegularFile(p)) {
            throw CliFailure.usage("file not found: " + p);
        }
        try {
            if (Files.size(p) > MAX_JSON_FILE) {
                throw CliFailure.usage(p + " is larger than 1 MiB");
            }
            byte[] bytes = Files.readAllBytes(p);
            JsonNode node;
            try {
                node = Json.parse(bytes);
            } catch (IOException e) {
                throw CliFailure.usage(p + " is not valid JSON: " + firstLine(e.getMessage()));
            }
            if (node == null || !node.isObject()) {
                throw CliFailure.usage(p + " must hold one JSON object");
            }
            return bytes;
        } catch (IOException e) {
            throw CliFailure.usage("cannot read " + p);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
