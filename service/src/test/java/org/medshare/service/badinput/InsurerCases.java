package org.medshare.service.badinput;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Bad inputs an insurer (insurer-x) can send: templates, queries, deposits, its own views. */
final class InsurerCases {

    private InsurerCases() {}

    static List<BadInput> all() {
        List<BadInput> cases = new ArrayList<>();
        cases.addAll(Requests.fromFile("templates.txt", "POST", fx -> "/api/v1/templates"));
        String template = Fixture.template("corpus-bad", "optional");
        cases.add(new BadInput(
                "template-deeply-nested-json",
                400,
                null,
                Requests.json(
                        "POST",
                        "/api/v1/templates",
                        template.replace("\"groupBy\":[\"ageBand\"]", "\"groupBy\":" + Requests.nested(10_000)))));
        cases.add(new BadInput(
                "template-over-64-kib-of-whitespace",
                413,
                "too-large",
                Requests.json(
                        "POST",
                        "/api/v1/templates",
                        Requests.padded(Fixture.template("corpus-bad-padded", "optional"), 70_000))));
        cases.add(new BadInput(
                "template-description-of-100-kib",
                413,
                "too-large",
                Requests.json(
                        "POST",
                        "/api/v1/templates",
                        template.replace("{\"id\"", "{\"description\":\"" + "d".repeat(100_000) + "\",\"id\"")
                                .replace("corpus-bad", "corpus-bad-long"))));
        cases.add(new BadInput(
                "template-of-1-mib",
                413,
                "too-large",
                Requests.json(
                        "POST",
                        "/api/v1/templates",
                        Requests.padded(Fixture.template("corpus-bad-huge", "optional"), 1 << 20))));
        cases.add(new BadInput(
                "template-as-text-plain",
                415,
                null,
                Requests.raw("POST", "/api/v1/templates", "text/plain", template.getBytes(StandardCharsets.UTF_8))));
        cases.add(new BadInput(
                "template-as-yaml",
                415,
                null,
                Requests.raw(
                        "POST",
                        "/api/v1/templates",
                        "application/yaml",
                        "id: corpus-bad\nversion: 1\n".getBytes(StandardCharsets.UTF_8))));
        cases.add(new BadInput(
                "template-invalid-utf8",
                400,
                null,
                Requests.raw("POST", "/api/v1/templates", "application/json", new byte[] {
                    '{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'
                })));
        cases.add(new BadInput(
                "templates-list-accepting-xml",
                406,
                null,
                Requests.accepting("application/xml", "GET", "/api/v1/templates")));
        cases.add(new BadInput("templates-with-delete", 405, null, Requests.call("DELETE", "/api/v1/templates")));

        cases.addAll(Requests.fromFile("queries.txt", "POST", fx -> "/api/v1/queries"));
        String request = Fixture.request("${optional}", "${insurer}", "0.5");
        cases.add(new BadInput(
                "query-deeply-nested-json",
                400,
                null,
                Requests.json(
                        "POST", "/api/v1/queries", request.replace("{\"icd\":\"E11\"}", Requests.nested(5_000)))));
        cases.add(new BadInput(
                "query-over-16-kib-of-whitespace",
                413,
                "too-large",
                Requests.json("POST", "/api/v1/queries", Requests.padded(request, 20_000))));
        cases.add(new BadInput(
                "query-epsilon-with-400-digits-above-maximum",
                400,
                "epsilon-invalid",
                Requests.json("POST", "/api/v1/queries", request.replace("0.5", "1." + "1".repeat(400)))));
        cases.add(new BadInput(
                "query-epsilon-integer-with-2000-digits",
                400,
                null,
                Requests.json("POST", "/api/v1/queries", request.replace("0.5", "9".repeat(2000)))));
        cases.add(new BadInput(
                "query-as-text-plain",
                415,
                null,
                fx -> Requests.send(
                        "POST",
                        "/api/v1/queries",
                        "text/plain",
                        fx.resolve(request).getBytes(StandardCharsets.UTF_8),
                        null)));
        cases.add(new BadInput(
                "query-as-form",
                415,
                null,
                Requests.raw(
                        "POST",
                        "/api/v1/queries",
                        "application/x-www-form-urlencoded",
                        "templateId=x&epsilon=NaN".getBytes(StandardCharsets.UTF_8))));
        cases.add(new BadInput(
                "queries-offset-negative", 400, "invalid-request", Requests.call("GET", "/api/v1/queries?offset=-1")));
        cases.add(new BadInput(
                "queries-limit-zero", 400, "invalid-request", Requests.call("GET", "/api/v1/queries?limit=0")));
        cases.add(new BadInput(
                "queries-limit-1001", 400, "invalid-request", Requests.call("GET", "/api/v1/queries?limit=1001")));
        cases.add(new BadInput(
                "queries-limit-not-a-number",
                400,
                "invalid-parameter",
                Requests.call("GET", "/api/v1/queries?limit=many")));
        cases.add(new BadInput(
                "queries-list-accepting-xml",
                406,
                null,
                Requests.accepting("application/xml", "GET", "/api/v1/queries")));
        cases.addAll(PathCases.of("query", "GET", id -> "/api/v1/queries/" + id, 404));
        cases.add(new BadInput(
                "query-of-another-insurer",
                404,
                "not-found",
                Requests.call("GET", fx -> "/api/v1/queries/" + fx.otherInsurersQuery)));
        cases.add(new BadInput(
                "query-with-put",
                405,
                null,
                Requests.json("PUT", fx -> "/api/v1/queries/" + fx.refusedQuery, "{\"status\":\"COMPLETED\"}")));

        for (BadInput c : Requests.fromFile("queries.txt", "POST", fx -> "/api/v1/queries/preview")) {
            cases.add(new BadInput("preview-" + c.name(), c.status(), c.kind(), c.send()));
        }
        cases.add(new BadInput(
                "preview-over-16-kib-of-whitespace",
                413,
                "too-large",
                Requests.json("POST", "/api/v1/queries/preview", Requests.padded(request, 20_000))));
        cases.add(new BadInput(
                "preview-as-text-plain",
                415,
                null,
                fx -> Requests.send(
                        "POST",
                        "/api/v1/queries/preview",
                        "text/plain",
                        fx.resolve(request).getBytes(StandardCharsets.UTF_8),
                        null)));

        cases.addAll(Requests.fromFile("deposits.txt", "POST", fx -> "/api/v1/payments/deposits"));
        cases.add(new BadInput(
                "deposit-amount-with-2000-digits",
                400,
                null,
                Requests.json("POST", "/api/v1/payments/deposits", "{\"amount\":" + "9".repeat(2000) + "}")));
        cases.add(new BadInput(
                "deposit-deeply-nested-json",
                400,
                null,
                Requests.json("POST", "/api/v1/payments/deposits", "{\"amount\":" + Requests.nested(100_000) + "}")));
        cases.add(new BadInput(
                "deposit-as-text-plain",
                415,
                null,
                Requests.raw(
                        "POST", "/api/v1/payments/deposits", "text/plain", "100".getBytes(StandardCharsets.UTF_8))));
        cases.add(new BadInput(
                "deposit-without-body",
                400,
                null,
                Requests.raw("POST", "/api/v1/payments/deposits", "application/json", null)));
        cases.add(new BadInput("deposit-with-get", 405, null, Requests.call("GET", "/api/v1/payments/deposits")));
        return cases;
    }
}
