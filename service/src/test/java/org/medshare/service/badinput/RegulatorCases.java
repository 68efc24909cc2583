package org.medshare.service.badinput;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.medshare.service.testing.PartySigners;

/** Bad inputs a regulator (regulator-nhc) can send: decisions on templates and queries, audit and balance look-ups. */
final class RegulatorCases {

    private RegulatorCases() {}

    static List<BadInput> all() {
        List<BadInput> cases = new ArrayList<>();
        breakGlass(cases);
        cases.addAll(PathCases.of("template-approve", "POST", id -> "/api/v1/templates/" + id + "/1/approve", 404));
        cases.add(new BadInput(
                "template-approve-version-not-a-number",
                400,
                "invalid-parameter",
                Requests.call("POST", fx -> "/api/v1/templates/" + fx.templates.get("pending") + "/one/approve")));
        cases.add(new BadInput(
                "template-approve-version-zero",
                404,
                "not-found",
                Requests.call("POST", fx -> "/api/v1/templates/" + fx.templates.get("pending") + "/0/approve")));
        cases.add(new BadInput(
                "template-approve-version-negative",
                404,
                "not-found",
                Requests.call("POST", fx -> "/api/v1/templates/" + fx.templates.get("pending") + "/-1/approve")));
        cases.add(new BadInput(
                "template-approve-version-overflows-int",
                400,
                "invalid-parameter",
                Requests.call(
                        "POST", fx -> "/api/v1/templates/" + fx.templates.get("pending") + "/2147483648/approve")));
        cases.add(new BadInput(
                "template-approve-already-approved",
                409,
                "already-decided",
                Requests.call("POST", fx -> "/api/v1/templates/" + fx.templates.get("optional") + "/1/approve")));
        cases.add(new BadInput(
                "template-approve-already-rejected",
                409,
                "already-decided",
                Requests.call("POST", fx -> "/api/v1/templates/" + fx.templates.get("rejected") + "/1/approve")));
        cases.add(new BadInput(
                "template-reject-already-approved",
                409,
                "already-decided",
                Requests.call("POST", fx -> "/api/v1/templates/" + fx.templates.get("optional") + "/1/reject")));
        cases.add(new BadInput(
                "template-reject-already-rejected",
                409,
                "already-decided",
                Requests.call("POST", fx -> "/api/v1/templates/" + fx.templates.get("rejected") + "/1/reject")));
        cases.add(new BadInput(
                "template-reject-unknown",
                404,
                "not-found",
                Requests.call("POST", "/api/v1/templates/no-such-template/1/reject")));
        cases.add(new BadInput(
                "template-approve-with-get",
                405,
                null,
                Requests.call("GET", fx -> "/api/v1/templates/" + fx.templates.get("pending") + "/1/approve")));
        cases.add(new BadInput(
                "template-unknown-decision",
                404,
                null,
                Requests.call("POST", fx -> "/api/v1/templates/" + fx.templates.get("pending") + "/1/publish")));

        cases.addAll(PathCases.of(
                "query-approve", "POST", id -> "/api/v1/queries/" + id + "/approve", 404, "{\"approval\":\"AA==\"}"));
        cases.addAll(
                PathCases.of("query-approval-terms", "GET", id -> "/api/v1/queries/" + id + "/approval-terms", 404));
        cases.add(new BadInput(
                "query-approval-terms-already-refused",
                409,
                "already-decided",
                Requests.call("GET", fx -> "/api/v1/queries/" + fx.refusedQuery + "/approval-terms")));
        cases.add(new BadInput(
                "query-approve-already-refused",
                409,
                "already-decided",
                Requests.json(
                        "POST", fx -> "/api/v1/queries/" + fx.refusedQuery + "/approve", "{\"approval\":\"AA==\"}")));
        cases.add(new BadInput(
                "query-approve-exhausted-privacy-budget",
                409,
                "budget-exhausted",
                Requests.json(
                        "POST",
                        fx -> "/api/v1/queries/" + fx.exhaustedQuery + "/approve",
                        fx -> fx.approvalBody(fx.exhaustedQuery))));
        cases.add(approveUnpaid(
                "query-approve-without-escrow", 409, "insufficient-escrow", fx -> fx.approvalBody(fx.unpaidQuery)));
        cases.add(new BadInput(
                "query-approve-without-body",
                400,
                "approval-required",
                Requests.call("POST", fx -> "/api/v1/queries/" + fx.unpaidQuery + "/approve")));
        cases.add(new BadInput(
                "query-approve-without-approval",
                400,
                "approval-required",
                Requests.json("POST", fx -> "/api/v1/queries/" + fx.unpaidQuery + "/approve", "{}")));
        cases.add(new BadInput(
                "query-approve-approval-not-base64",
                400,
                "invalid-approval",
                Requests.json(
                        "POST",
                        fx -> "/api/v1/queries/" + fx.unpaidQuery + "/approve",
                        "{\"approval\":\"not base64!\"}")));
        cases.add(approveUnpaid(
                "query-approve-approval-of-another-query",
                409,
                "approval-mismatch",
                fx -> fx.approvalBody(fx.exhaustedQuery)));
        cases.add(approveUnpaid(
                "query-approve-approval-by-a-hospitals-grant-key",
                403,
                "approval-not-trusted",
                fx -> fx.approvalBody(
                        fx.unpaidQuery,
                        PartySigners.grantKey("hospital-a"),
                        Instant.now().plusSeconds(600),
                        false)));
        cases.add(approveUnpaid(
                "query-approve-approval-expired",
                403,
                "approval-expired",
                fx -> fx.approvalBody(
                        fx.unpaidQuery, PartySigners.regulator(), Instant.now().minusSeconds(1), false)));
        cases.add(approveUnpaid(
                "query-approve-approval-signature-broken",
                403,
                "approval-signature-invalid",
                fx -> fx.approvalBody(
                        fx.unpaidQuery, PartySigners.regulator(), Instant.now().plusSeconds(600), true)));
        cases.add(new BadInput(
                "query-refuse-already-refused",
                409,
                "already-decided",
                Requests.json(
                        "POST", fx -> "/api/v1/queries/" + fx.refusedQuery + "/refuse", "{\"reason\":\"again\"}")));
        cases.add(new BadInput(
                "query-refuse-unknown",
                404,
                "not-found",
                Requests.json("POST", "/api/v1/queries/no-such-query/refuse", "{\"reason\":\"unknown\"}")));
        cases.add(new BadInput(
                "query-refuse-reason-1001-characters",
                400,
                "invalid-reason",
                Requests.json(
                        "POST",
                        fx -> "/api/v1/queries/" + fx.exhaustedQuery + "/refuse",
                        "{\"reason\":\"" + "r".repeat(1001) + "\"}")));
        for (CorpusFile.Entry e : CorpusFile.read("refusals.txt")) {
            cases.add(new BadInput(
                    e.name(),
                    e.status(),
                    e.kind(),
                    Requests.json("POST", fx -> "/api/v1/queries/" + fx.exhaustedQuery + "/refuse", e.body())));
        }
        cases.add(new BadInput(
                "refusal-as-text-plain",
                415,
                null,
                fx -> Requests.send(
                        "POST",
                        "/api/v1/queries/" + fx.exhaustedQuery + "/refuse",
                        "text/plain",
                        "no".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        null)));
        cases.add(new BadInput(
                "refusal-without-body",
                400,
                "invalid-reason",
                fx -> Requests.send(
                        "POST", "/api/v1/queries/" + fx.exhaustedQuery + "/refuse", "application/json", null, null)));

        cases.add(new BadInput(
                "audit-events-from-negative",
                400,
                "invalid-request",
                Requests.call("GET", "/api/v1/audit/events?from=-1")));
        cases.add(new BadInput(
                "audit-events-limit-zero",
                400,
                "invalid-request",
                Requests.call("GET", "/api/v1/audit/events?limit=0")));
        cases.add(new BadInput(
                "audit-events-limit-1001",
                400,
                "invalid-request",
                Requests.call("GET", "/api/v1/audit/events?limit=1001")));
        cases.add(new BadInput(
                "audit-events-unknown-type",
                400,
                "unknown-event-type",
                Requests.call("GET", "/api/v1/audit/events?type=DELETE")));
        cases.add(new BadInput(
                "audit-events-lowercase-unknown-type",
                400,
                "unknown-event-type",
                Requests.call("GET", "/api/v1/audit/events?type=upload%20or%201=1")));
        cases.add(new BadInput(
                "audit-events-from-not-a-number",
                400,
                "invalid-parameter",
                Requests.call("GET", "/api/v1/audit/events?from=first")));
        cases.add(new BadInput(
                "audit-events-from-overflows-long",
                400,
                "invalid-parameter",
                Requests.call("GET", "/api/v1/audit/events?from=99999999999999999999")));
        cases.add(new BadInput(
                "audit-checkpoint-accepting-json",
                406,
                null,
                Requests.accepting("application/json", "GET", "/api/v1/audit/checkpoint")));
        cases.add(new BadInput(
                "audit-inclusion-index-negative",
                400,
                "invalid-request",
                Requests.call("GET", "/api/v1/audit/proofs/inclusion?index=-1")));
        cases.add(new BadInput(
                "audit-inclusion-index-beyond-the-log",
                404,
                "not-found",
                Requests.call("GET", "/api/v1/audit/proofs/inclusion?index=9223372036854775807")));
        cases.add(new BadInput(
                "audit-inclusion-index-not-a-number",
                400,
                "invalid-parameter",
                Requests.call("GET", "/api/v1/audit/proofs/inclusion?index=last")));
        cases.add(new BadInput(
                "audit-inclusion-index-repeated-first-empty",
                400,
                "repeated-parameter",
                Requests.call("GET", "/api/v1/audit/proofs/inclusion?index=&index=abc")));
        cases.add(new BadInput(
                "audit-inclusion-index-empty",
                400,
                "invalid-parameter",
                Requests.call("GET", "/api/v1/audit/proofs/inclusion?index=")));
        cases.add(new BadInput(
                "audit-inclusion-index-missing",
                400,
                "missing-parameter",
                Requests.call("GET", "/api/v1/audit/proofs/inclusion")));
        cases.add(new BadInput(
                "audit-consistency-from-after-to",
                400,
                "invalid-range",
                Requests.call("GET", "/api/v1/audit/proofs/consistency?from=5&to=1")));
        cases.add(new BadInput(
                "audit-consistency-to-zero",
                400,
                "invalid-request",
                Requests.call("GET", "/api/v1/audit/proofs/consistency?from=0&to=0")));
        cases.add(new BadInput(
                "audit-consistency-from-negative",
                400,
                "invalid-request",
                Requests.call("GET", "/api/v1/audit/proofs/consistency?from=-1&to=1")));
        cases.add(new BadInput(
                "audit-consistency-to-beyond-the-log",
                400,
                "invalid-range",
                Requests.call("GET", "/api/v1/audit/proofs/consistency?from=0&to=9223372036854775807")));
        cases.add(new BadInput(
                "audit-consistency-missing-to",
                400,
                null,
                Requests.call("GET", "/api/v1/audit/proofs/consistency?from=1")));
        cases.add(new BadInput(
                "audit-events-with-post",
                405,
                null,
                Requests.json("POST", "/api/v1/audit/events", "{\"type\":\"UPLOAD\"}")));
        cases.add(new BadInput(
                "ledger-entry-index-negative",
                400,
                "invalid-request",
                Requests.call("GET", "/api/v1/ledger/entries/-1")));
        cases.add(new BadInput(
                "ledger-entry-index-beyond-the-log",
                404,
                "not-found",
                Requests.call("GET", "/api/v1/ledger/entries/9223372036854775807")));
        cases.add(new BadInput(
                "ledger-entry-index-not-a-number",
                400,
                "invalid-parameter",
                Requests.call("GET", "/api/v1/ledger/entries/latest")));
        cases.add(new BadInput(
                "ledger-entry-index-overflows-long",
                400,
                "invalid-parameter",
                Requests.call("GET", "/api/v1/ledger/entries/99999999999999999999")));
        cases.add(new BadInput(
                "ledger-entry-index-path-traversal",
                400,
                "invalid-parameter",
                Requests.call("GET", "/api/v1/ledger/entries/" + Requests.encode("../../ledger-keys/member.skey"))));
        cases.add(new BadInput(
                "ledger-entry-accepting-xml",
                406,
                null,
                Requests.accepting("application/xml", "GET", "/api/v1/ledger/entries/0")));
        cases.add(new BadInput(
                "ledger-entry-with-put",
                405,
                null,
                Requests.json("PUT", "/api/v1/ledger/entries/0", "{\"type\":\"UPLOAD\"}")));
        cases.add(new BadInput(
                "audit-events-party-with-space",
                400,
                "invalid-filter",
                Requests.call("GET", "/api/v1/audit/events?party=hospital%20a")));
        cases.add(new BadInput(
                "audit-events-since-not-a-date",
                400,
                "invalid-filter",
                Requests.call("GET", "/api/v1/audit/events?since=yesterday")));
        cases.add(new BadInput(
                "audit-events-until-month-13",
                400,
                "invalid-filter",
                Requests.call("GET", "/api/v1/audit/events?until=2026-13-01")));
        cases.add(new BadInput(
                "audit-events-since-after-until",
                400,
                "invalid-range",
                Requests.call("GET", "/api/v1/audit/events?since=2026-02-01&until=2026-01-01")));
        cases.add(new BadInput(
                "audit-events-record-129-characters",
                400,
                "invalid-filter",
                Requests.call("GET", "/api/v1/audit/events?record=" + "r".repeat(129))));
        cases.add(new BadInput(
                "audit-event-types-accepting-xml",
                406,
                null,
                Requests.accepting("application/xml", "GET", "/api/v1/audit/event-types")));
        cases.add(new BadInput(
                "audit-event-types-with-post",
                405,
                null,
                Requests.json("POST", "/api/v1/audit/event-types", "{\"name\":\"DELETE\"}")));
        cases.add(new BadInput(
                "audit-checkpoints-offset-negative",
                400,
                "invalid-request",
                Requests.call("GET", "/api/v1/audit/checkpoints?offset=-1")));
        cases.add(new BadInput(
                "audit-checkpoints-limit-1001",
                400,
                "invalid-request",
                Requests.call("GET", "/api/v1/audit/checkpoints?limit=1001")));
        cases.add(new BadInput(
                "audit-balances-accepting-xml",
                406,
                null,
                Requests.accepting("application/xml", "GET", "/api/v1/audit/balances")));
        cases.add(new BadInput(
                "audit-export-unknown-format",
                400,
                "unknown-format",
                Requests.call("GET", "/api/v1/audit/export?format=xml")));
        cases.add(new BadInput(
                "audit-export-limit-1001",
                400,
                "invalid-request",
                Requests.call("GET", "/api/v1/audit/export?limit=1001")));
        cases.add(new BadInput(
                "audit-export-unknown-type",
                400,
                "unknown-event-type",
                Requests.call("GET", "/api/v1/audit/export?type=DROP")));
        cases.add(new BadInput(
                "parties-accepting-xml", 406, null, Requests.accepting("application/xml", "GET", "/api/v1/parties")));
        cases.addAll(PathCases.of("balance-of", "GET", id -> "/api/v1/payments/balances/" + id, 400)
                .subList(1, 6));
        cases.add(new BadInput(
                "balance-of-organisation-129-characters",
                400,
                "invalid-organisation",
                Requests.call("GET", "/api/v1/payments/balances/" + "o".repeat(129))));
        cases.add(new BadInput(
                "suspensions-accepting-xml",
                406,
                null,
                Requests.accepting("application/xml", "GET", "/api/v1/suspensions")));
        cases.add(new BadInput(
                "suspend-unknown-reason",
                400,
                "invalid-reason",
                Requests.json("PUT", "/api/v1/suspensions/insurer-x", "{\"reason\":\"dislike\"}")));
        cases.add(new BadInput(
                "suspend-reason-missing",
                400,
                "invalid-request",
                Requests.json("PUT", "/api/v1/suspensions/insurer-x", "{}")));
        cases.add(new BadInput(
                "suspend-malformed-organisation",
                400,
                "invalid-organisation",
                Requests.json("PUT", "/api/v1/suspensions/Insurer_X", "{\"reason\":\"investigation\"}")));
        cases.add(new BadInput(
                "suspend-own-organisation",
                409,
                "own-organisation",
                Requests.json("PUT", "/api/v1/suspensions/regulator-nhc", "{\"reason\":\"investigation\"}")));
        cases.addAll(Requests.fromFile("epochs.txt", "POST", fx -> "/api/v1/authority/epochs"));
        cases.add(new BadInput(
                "epoch-as-text-plain",
                415,
                null,
                fx -> Requests.send(
                        "POST",
                        "/api/v1/authority/epochs",
                        "text/plain",
                        "2027Q1".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        null)));
        cases.add(new BadInput(
                "epochs-accepting-xml",
                406,
                null,
                Requests.accepting("application/xml", "GET", "/api/v1/authority/epochs")));
        cases.add(new BadInput(
                "reinstate-an-organisation-not-suspended",
                404,
                "not-found",
                Requests.call("DELETE", "/api/v1/suspensions/insurer-x")));
        return cases;
    }

    private static void breakGlass(List<BadInput> cases) {
        cases.add(new BadInput(
                "break-glass-state-unknown",
                400,
                "invalid-state",
                Requests.call("GET", "/api/v1/break-glass?state=open")));
        cases.add(new BadInput(
                "break-glass-state-empty", 400, "invalid-state", Requests.call("GET", "/api/v1/break-glass?state=")));
        cases.add(new BadInput(
                "break-glass-limit-zero", 400, "invalid-request", Requests.call("GET", "/api/v1/break-glass?limit=0")));
        cases.add(new BadInput(
                "break-glass-offset-negative",
                400,
                "invalid-request",
                Requests.call("GET", "/api/v1/break-glass?offset=-1")));
        cases.add(new BadInput(
                "break-glass-state-repeated",
                400,
                null,
                Requests.call("GET", "/api/v1/break-glass?state=all&state=pending")));
        cases.addAll(PathCases.of(
                "break-glass-review", "POST", id -> "/api/v1/break-glass/" + id + "/review", 404, "{\"note\":null}"));
        for (String index : List.of("0", "-1", "99999999999999999999", "1e3", "9223372036854775807")) {
            cases.add(new BadInput(
                    "break-glass-review-index-" + index,
                    404,
                    "not-found",
                    Requests.json("POST", "/api/v1/break-glass/" + index + "/review", "{\"note\":\"seen\"}")));
        }
        cases.add(new BadInput(
                "break-glass-review-without-body",
                400,
                null,
                Requests.raw("POST", "/api/v1/break-glass/0/review", "application/json", null)));
        cases.add(new BadInput(
                "break-glass-review-note-1001-characters",
                400,
                "invalid-request",
                Requests.json("POST", "/api/v1/break-glass/0/review", "{\"note\":\"" + "n".repeat(1001) + "\"}")));
        cases.add(new BadInput(
                "break-glass-review-unknown-field",
                400,
                "malformed-json",
                Requests.json("POST", "/api/v1/break-glass/0/review", "{\"note\":\"ok\",\"approved\":true}")));
        cases.add(new BadInput(
                "break-glass-review-note-a-list",
                400,
                "malformed-json",
                Requests.json("POST", "/api/v1/break-glass/0/review", "{\"note\":[\"seen\"]}")));
        cases.add(new BadInput(
                "break-glass-review-truncated-json",
                400,
                "malformed-json",
                Requests.json("POST", "/api/v1/break-glass/0/review", "{\"note\":")));
    }

    /** An approval of the fixture's unpaid query with the body {@code body} makes of the fixture. */
    private static BadInput approveUnpaid(String name, int status, String type, Function<Fixture, String> body) {
        return new BadInput(
                name,
                status,
                type,
                Requests.json("POST", fx -> "/api/v1/queries/" + fx.unpaidQuery + "/approve", body));
    }
}
