package org.medshare.service.badinput;

import java.util.List;
import java.util.function.Function;

/** Bad path identifiers, the same set for every endpoint that takes one. */
final class PathCases {

    private PathCases() {}

    /**
     * Unknown, 300 characters long, non-ASCII, an encoded path traversal, a NUL byte and a quote: each
     * {@code status} (404 where the id is looked up, 400 where its syntax is checked first).
     *
     * @param name   case-name prefix naming the endpoint
     * @param path   the path for an id that is already percent-encoded
     */
    static List<BadInput> of(String name, String method, Function<String, String> path, int status) {
        return of(name, method, path, status, null);
    }

    /** As {@link #of(String, String, Function, int)}, each request with the JSON {@code body} (null: none). */
    static List<BadInput> of(String name, String method, Function<String, String> path, int status, String body) {
        Function<String, Function<Fixture, Answer>> send = id ->
                body == null ? Requests.call(method, path.apply(id)) : Requests.json(method, path.apply(id), body);
        return List.of(
                new BadInput(name + "-unknown-id", status, null, send.apply("no-such-id")),
                new BadInput(name + "-id-300-characters", status, null, send.apply("x".repeat(300))),
                new BadInput(
                        name + "-id-unicode", status, null, send.apply(Requests.encode("r\u00e9cord-\ud83d\ude00"))),
                new BadInput(
                        name + "-id-encoded-path-traversal",
                        status,
                        null,
                        send.apply(Requests.encode("../../../etc/passwd"))),
                new BadInput(name + "-id-nul-byte", status, null, send.apply("abc%00def")),
                new BadInput(name + "-id-sql-quote", status, null, send.apply(Requests.encode("x' or '1'='1"))));
    }
}
