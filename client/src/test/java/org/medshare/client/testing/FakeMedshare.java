package org.medshare.client.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.medshare.abe.AbeScheme;
import org.medshare.abe.Envelope;
import org.medshare.abe.EnvelopeHeader;
import org.medshare.abe.MasterKey;
import org.medshare.abe.Policy;
import org.medshare.abe.PolicySyntaxException;
import org.medshare.abe.PublicParameters;
import org.medshare.abe.Suite;
import org.medshare.abe.sign.SigningKeys;
import org.medshare.abe.sign.UploadStatement;
import org.medshare.client.records.ContentIds;
import org.medshare.enclave.compute.ApprovedQuery;
import org.medshare.enclave.host.KeyAuthorityClient;
import org.medshare.enclave.keyrelease.QueryApproval;
import org.medshare.enclave.keyrelease.UserKeyGrant;
import org.medshare.enclave.rows.EncryptedRows;
import org.medshare.ledger.event.AttributeEpoch;

/**
 * TEST DOUBLE ONLY: an in-process stand-in, on 127.0.0.1 and an ephemeral port, for the MedShare service's
 * REST contract and the Keycloak realm's discovery and token endpoints, as far as the command line uses
 * them. It exists to test the CLI's side of the HTTP contract (requests it sends, how it reads answers,
 * exit codes, resumability); it is not the service. Like the service it checks each upload's signature
 * against the registered key, the envelope and rows headers against the stated policy, the rows' binding
 * to the record id, and replays an identical statement under the same idempotency key (409 otherwise),
 * answering with the service's problem types. The service's {@code FakeMedshareContractTest} sends the same
 * requests to this double and to the service and requires the same answers, so these checks cannot drift.
 */
public final class FakeMedshare implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Who a token stands for. */
    public record Principal(String subject, String organisation, List<String> roles) {}

    /**
     * A stored upload, as the service keeps it: an upload carrying the {@code document} tag of an earlier upload of the
     * same organisation is the next version of that upload's record ({@code recordOf} = the first version's id).
     */
    record Stored(
            String organisation,
            String statementHash,
            long ledgerIndex,
            String document,
            int version,
            String recordOf,
            String previousVersion,
            long analyticsRows) {}

    /** What a record's statement endpoint serves, and the envelope it releases. */
    record Shared(UploadStatement statement, String signingKeyId, String signature, byte[] envelope) {}

    /** The service's form of the {@code resources} tag: types with coarse counts, at most 64, a final "+" if more. */
    private static final String RESOURCE_ENTRY = "[A-Z][A-Za-z]{0,63}(:(1|2-9|10-99|100\\+))?";

    private static final String RESOURCE_SUMMARY = RESOURCE_ENTRY + "(," + RESOURCE_ENTRY + "){0,63}(,\\+)?";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    public final MasterKey masterKey;
    public final PublicParameters params;

    private final Map<String, String> passwords = Map.of(
            "alice", "alice-password", "bob", "bob-password", "irene", "irene-password", "rita", "rita-password");
    private final Map<String, Principal> users = Map.of(
            "alice", new Principal("alice", "hospital-a", List.of("hospital")),
            "bob", new Principal("bob", "hospital-b", List.of("hospital")),
            "irene", new Principal("irene", "insurer-x", List.of("insurer")),
            "rita", new Principal("rita", "regulator-nhc", List.of("regulator")),
            "service-account-hospital-a-system",
                    new Principal("service-account-hospital-a-system", "hospital-a", List.of("hospital")));
    private final Map<String, Principal> tokens = new ConcurrentHashMap<>();
    private final Map<String, Principal> refreshTokens = new ConcurrentHashMap<>();
    private final Map<String, PublicKey> signingKeys = new ConcurrentHashMap<>();
    private final Map<String, String> keyOwners = new ConcurrentHashMap<>();
    private final Map<String, Stored> records = new ConcurrentHashMap<>();
    /** Record id to the id of the version that replaced it ({@code replaces} tag or a newer {@code document}). */
    private final Map<String, String> supersededBy = new ConcurrentHashMap<>();

    private volatile String epoch = "2026Q4";
    private final List<String> retiredEpochs = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<String, Shared> shared = new ConcurrentHashMap<>();
    private final List<ObjectNode> releases = new ArrayList<>();
    private final Map<String, ObjectNode> queries = new ConcurrentHashMap<>();
    private final Map<String, String> queryTexts = new ConcurrentHashMap<>();
    private final Map<Long, ObjectNode> inclusionReceipts = new ConcurrentHashMap<>();
    private final Map<Long, ObjectNode> accessProofs = new ConcurrentHashMap<>();
    private final List<ObjectNode> events = new ArrayList<>();
    private final Map<String, BigInteger> escrows = new ConcurrentHashMap<>();
    private volatile double hospitalBudgetLimit = 10.0;
    private volatile int hospitalWarnAtPercent = 80;
    private final Map<String, ObjectNode> disclosureLimits = new ConcurrentHashMap<>();

    /** The content hash the fake's one template has. */
    public static final String TEMPLATE_HASH = "5e".repeat(32);

    private volatile List<String> dataUseRules = List.of();

    /** An insurer's budget and hospital-a's for December 2026, as the service shows them. */
    private ArrayNode rulesNode() {
        ArrayNode out = JSON.createArrayNode();
        dataUseRules.forEach(out::add);
        return out;
    }

    private ArrayNode budgets() {
        ArrayNode out = JSON.createArrayNode();
        ObjectNode insurer = out.addObject()
                .put("kind", "insurer")
                .put("organisation", "insurer-x")
                .putNull("period")
                .putNull("periodEnd")
                .put("limit", 10.0)
                .put("spent", 0.5)
                .put("remaining", 9.5)
                .put("warnAtPercent", 80)
                .put("nearlyExhausted", false);
        insurer.putArray("queries")
                .addObject()
                .put("queryId", "q-1")
                .put("epsilon", 0.5)
                .put("chargedEntry", 41)
                .putNull("refundedEntry")
                .put("refunded", false);
        ObjectNode hospital = out.addObject()
                .put("kind", "hospital")
                .put("organisation", "hospital-a")
                .put("period", "2026-12")
                .put("periodEnd", "2027-01-01T00:00:00Z")
                .put("limit", hospitalBudgetLimit)
                .put("spent", 0.5)
                .put("remaining", hospitalBudgetLimit - 0.5)
                .put("warnAtPercent", hospitalWarnAtPercent)
                .put("nearlyExhausted", 0.5 * 100 >= hospitalWarnAtPercent * hospitalBudgetLimit);
        hospital.putArray("queries")
                .addObject()
                .put("queryId", "q-2")
                .put("epsilon", 0.5)
                .put("chargedEntry", 43)
                .put("refundedEntry", 44)
                .put("refunded", true);
        return out;
    }

    private final AtomicInteger tokenCounter = new AtomicInteger();
    public final AtomicInteger uploadPosts = new AtomicInteger();
    public final AtomicInteger tokenRequests = new AtomicInteger();
    public final AtomicInteger auditPages = new AtomicInteger();

    private volatile Supplier<String> checkpointNotes = () -> "";

    private volatile BiFunction<Long, Long, List<String>> consistencyProofs = (from, to) -> null;

    /** Device polls seen; the first answers authorization_pending. */
    public final AtomicInteger devicePolls = new AtomicInteger();
    /** The user who approves a device login, or null to deny it. */
    public volatile String deviceUser = "bob";
    /** Seconds an access token lives. */
    public volatile long accessLifetime = 300;
    /** Uploads matching this are refused with 403 problem+json "Policy not allowed". */
    public volatile Predicate<UploadStatement> refuse = s -> false;
    /** The next N new uploads are stored, then answered with a bare 500 (the answer is lost). */
    public final AtomicInteger loseAnswers = new AtomicInteger();
    /** Include hospitalNumber in the signing-key answer. */
    public volatile boolean giveHospitalNumber = true;
    /** Relay the real authority's quote and signature but with this double's own parameters (a lying host). */
    public volatile boolean substituteParameters = false;
    /** Release envelopes with one byte changed (a damaged store or a lying host). */
    public volatile boolean tamperEnvelope = false;
    /** Serve statements whose signature is another upload's (a lying host). */
    public volatile boolean forgeSignature = false;
    /** Ciphertext requests seen. */
    public final AtomicInteger ciphertextRequests = new AtomicInteger();

    /** Answer audit pages after this many with a 503 (0 = never). */
    public volatile int failAuditAfterPages = 0;

    public FakeMedshare() throws IOException {
        masterKey = AbeScheme.create().setup(Suite.NIST);
        params = masterKey.publicParameters();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public URI issuer() {
        return URI.create(base() + "/realms/medshare");
    }

    public int storedRecords() {
        return records.size();
    }

    /** The version that replaced {@code recordId}, or null while it is current. */
    public String supersededBy(String recordId) {
        return supersededBy.get(recordId);
    }

    /** The consortium's current attribute epoch, as {@code GET /api/v1/authority/epochs} answers it. */
    public void currentEpoch(String epoch) {
        retiredEpochs.add(this.epoch);
        this.epoch = epoch;
    }

    public boolean hasRecord(String recordId) {
        return records.containsKey(recordId);
    }

    /** Appends {@code n} synthetic ACCESS events. */
    public synchronized void addEvents(int n) {
        for (int i = 0; i < n; i++) {
            event("ACCESS", Map.of("actor", "hospital-a:alice", "record_id", "r" + i));
        }
    }

    /** Serves {@code note} as the latest signed checkpoint from now on. */
    public void serveCheckpoint(String note) {
        serveCheckpoints(() -> note);
    }

    /** Serves {@code notes.get()} as the latest signed checkpoint on each request from now on. */
    public void serveCheckpoints(Supplier<String> notes) {
        checkpointNotes = notes;
    }

    /**
     * Serves consistency proofs from {@code proofs} (from, to → base64 hashes, or null for a 400 invalid-range).
     */
    public void serveConsistencyProofs(BiFunction<Long, Long, List<String>> proofs) {
        consistencyProofs = proofs;
    }

    /**
     * The preview of {@code request}: hospital-a's 3 and hospital-b's 2 records, both used, k = 10 and one row per
     * patient; hospital-b allows at most ε 0.2, so a request above it is blocked and has no release.
     */
    private static ObjectNode preview(JsonNode request) {
        double epsilon = request.path("epsilon").asDouble(0);
        ObjectNode p = JSON.createObjectNode()
                .put("templateId", request.get("templateId").asText())
                .put("templateVersion", request.path("templateVersion").asInt())
                .put("templateHash", TEMPLATE_HASH);
        p.putArray("hospitals")
                .add(JSON.createObjectNode()
                        .put("hospital", "hospital-a")
                        .put("records", 3)
                        .put("permitted", true))
                .add(JSON.createObjectNode()
                        .put("hospital", "hospital-b")
                        .put("records", 2)
                        .put("permitted", true));
        p.put("price", 50).put("escrowSufficient", true);
        ArrayNode blockers = JSON.createArrayNode();
        if (epsilon > 0.2) {
            p.putNull("release");
            blockers.add(JSON.createObjectNode()
                    .put("type", "hospital-limit")
                    .put("detail", "hospital-b allows at most epsilon 0.2 per query over its records."));
        } else {
            ObjectNode release = p.putObject("release")
                    .put("minGroupSize", 10)
                    .put("maxRowsPerPatient", 1)
                    .put("epsilon", epsilon);
            ArrayNode noise = release.putArray("noise");
            if (epsilon > 0) {
                noise.add(JSON.createObjectNode()
                        .put("value", "count")
                        .put("mechanism", "discreteLaplace")
                        .put("scale", 1 / epsilon)
                        .put("halfWidth", Math.log(20) / epsilon));
            }
        }
        p.set("blockers", blockers);
        p.put("blocked", !blockers.isEmpty());
        return p;
    }

    /** Serves {@code view} as the query {@code view.queryId} from now on (GET /api/v1/queries/{id}). */
    public void putQuery(ObjectNode view) {
        queries.put(view.get("queryId").asText(), view);
    }

    /** Serves {@code receipt} as the inclusion proof of ledger entry {@code index} (regulators only). */
    public void serveInclusion(long index, ObjectNode receipt) {
        inclusionReceipts.put(index, receipt);
    }

    /** Serves {@code proof} ({@code entry} and {@code receipt}) as the proof of the release at ledger {@code index}. */
    public void serveAccessProof(long index, ObjectNode proof) {
        accessProofs.put(index, proof);
    }

    /** Accepts {@code token} as {@code user}'s access token (a token another double issued). */
    public void acceptToken(String token, String user) {
        tokens.put(token, users.get(user));
    }

    public synchronized int eventCount() {
        return events.size();
    }

    private synchronized long event(String type, Map<String, String> fields) {
        ObjectNode e = JSON.createObjectNode();
        e.put("index", events.size());
        e.put("type", type);
        e.put("timestampMillis", 1_764_000_000_000L + events.size());
        ObjectNode f = e.putObject("fields");
        fields.forEach(f::put);
        events.add(e);
        return events.size() - 1;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ------------------------------------------------------------------------------------------------

    /** A clinician's attributes, as the service derives them from the token. */
    public volatile Set<String> clinicianAttributes =
            Set.of("org:hospital-a@2026Q4", "role:physician", "dept:cardiology@2026Q4");
    /** Answer key requests with a key issued to another recipient key (a lying host). */
    public volatile boolean substituteRecipient = false;

    /**
     * The FHIR export's shape as the CLI relies on it: a collection Bundle whose AuditEvents have id
     * {@code ledger-<index>} and a ledger-index entity named by the event type (the mapping itself is the
     * service's, tested there).
     */
    private void auditExport(HttpExchange ex) throws IOException {
        Map<String, String> q = form(
                ex.getRequestURI().getRawQuery() == null
                        ? new byte[0]
                        : ex.getRequestURI().getRawQuery().getBytes(StandardCharsets.UTF_8));
        int page = auditPages.incrementAndGet();
        if (failAuditAfterPages > 0 && page > failAuditAfterPages) {
            problem(ex, 503, "ledger-overloaded", "Overloaded", "The ledger is busy; retry later.");
            return;
        }
        int from = Integer.parseInt(q.getOrDefault("from", "0"));
        int limit = Integer.parseInt(q.getOrDefault("limit", "1000"));
        ObjectNode bundle =
                JSON.createObjectNode().put("resourceType", "Bundle").put("type", "collection");
        ArrayNode entries = bundle.putArray("entry");
        synchronized (this) {
            for (int i = from; i < Math.min(events.size(), from + limit); i++) {
                ObjectNode event = JSON.createObjectNode()
                        .put("resourceType", "AuditEvent")
                        .put("id", "ledger-" + i);
                ObjectNode entity = event.putArray("entity").addObject();
                entity.putObject("what")
                        .putObject("identifier")
                        .put("system", "urn:medshare:ledger-index")
                        .put("value", Integer.toString(i));
                entity.put("name", events.get(i).get("type").asText());
                entries.addObject()
                        .put("fullUrl", "urn:medshare:audit:ledger-" + i)
                        .set("resource", event);
            }
        }
        byte[] b = JSON.writeValueAsBytes(bundle);
        ex.getResponseHeaders().set("Content-Type", "application/fhir+json");
        ex.sendResponseHeaders(200, b.length);
        ex.getResponseBody().write(b);
    }

    /** What the regulator signs for query {@code id}: a one-line template of its template id and the request text. */
    private ObjectNode approvalTerms(String id) {
        String template = "{\"id\":\"" + queries.get(id).get("templateId").asText()
                + "\",\"version\":1,\"purpose\":\"insurance-stats\"}";
        String request = queryTexts.get(id);
        ObjectNode terms = JSON.createObjectNode()
                .put("queryId", id)
                .put("template", template)
                .put("request", request)
                .put("contentHash", HexFormat.of().formatHex(ApprovedQuery.contentHash(template, request)));
        terms.putArray("purposeAttributes").add("purpose:insurance-stats@" + epoch);
        return terms;
    }

    /** Whether {@code body} carries an approval of query {@code id}'s terms signed by the test regulator. */
    private boolean signedByTheRegulator(String id, byte[] body) {
        try {
            QueryApproval approval = QueryApproval.parse(Base64.getDecoder()
                    .decode(JSON.readTree(body).path("approval").asText()));
            approval.verify(
                    Set.of(QueryApproval.keyIdOf(TestAuthority.approver().getPublic())), Instant.now());
            return approval.queryId().equals(id)
                    && HexFormat.of()
                            .formatHex(approval.contentHash())
                            .equals(approvalTerms(id).get("contentHash").asText());
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Relays the hospital's grant to the real test authority, as the service does, after the service's checks
     * (the caller's grant, for attributes the caller holds). With {@link #substituteRecipient} it acts as a host
     * that relays a key issued to another recipient key instead.
     */
    private void issueKey(HttpExchange ex, byte[] body, Principal p) throws IOException {
        JsonNode req = JSON.readTree(body);
        byte[] recipient = Base64.getDecoder().decode(req.path("recipientKey").asText());
        byte[] nonce = Base64.getUrlDecoder().decode(req.path("nonce").asText());
        try {
            UserKeyGrant grant = UserKeyGrant.parse(
                    Base64.getDecoder().decode(req.path("grant").asText()));
            if (!grant.subject().equals(p.organisation() + ":" + p.subject())
                    || !Arrays.equals(grant.recipientSpki(), recipient)) {
                problem(ex, 403, "grant-mismatch", "Forbidden", "The grant names another clinician or key.");
                return;
            }
            if (!clinicianAttributes.containsAll(grant.attributes())) {
                problem(ex, 403, "attribute-not-held", "Forbidden", "Your token does not entitle you to these.");
                return;
            }
            if (substituteRecipient) {
                grant = UserKeyGrant.sign(
                        grant.organisation(),
                        grant.subject(),
                        grant.attributes(),
                        grant.notAfter(),
                        KeyPairGenerator.getInstance("X25519")
                                .generateKeyPair()
                                .getPublic()
                                .getEncoded(),
                        TestAuthority.grantKey(p.organisation()));
            }
            KeyAuthorityClient.IssuedUserKey issued =
                    TestAuthority.enclaves().keyAuthority().issueUserKey(grant, nonce, TestAuthority.logged(grant));
            Base64.Encoder b64 = Base64.getEncoder();
            ObjectNode answer = JSON.createObjectNode()
                    .put("keyId", issued.issue().statement().keyId())
                    .put("evidence", b64.encodeToString(issued.evidence()))
                    .put("issue", b64.encodeToString(issued.issue().toBytes()));
            answer.putObject("receipt")
                    .put(
                            "index",
                            event(
                                    "KEY_ISSUED",
                                    Map.of("key_id", issued.issue().statement().keyId())));
            json(ex, 200, answer);
        } catch (Exception e) {
            problem(ex, 403, "attribute-not-held", "Forbidden", "the authority refused: " + e.getMessage());
        }
    }

    /** Relays the real test authority's attested parameters for the client's nonce, as the service does. */
    private void attestedParameters(HttpExchange ex) throws IOException {
        Map<String, String> q = form(
                ex.getRequestURI().getRawQuery() == null
                        ? new byte[0]
                        : ex.getRequestURI().getRawQuery().getBytes(StandardCharsets.UTF_8));
        byte[] nonce = Base64.getUrlDecoder().decode(q.getOrDefault("nonce", ""));
        KeyAuthorityClient.AttestedParameters a;
        try {
            a = TestAuthority.enclaves().keyAuthority().attestedParameters(nonce);
        } catch (Exception e) {
            problem(ex, 400, "invalid-nonce", "Invalid nonce", "the authority refused: " + e.getMessage());
            return;
        }
        Base64.Encoder b64 = Base64.getEncoder();
        json(
                ex,
                200,
                JSON.createObjectNode()
                        .put("parameters", b64.encodeToString(substituteParameters ? params.toBytes() : a.parameters()))
                        .put("signature", b64.encodeToString(a.signature()))
                        .put("evidence", b64.encodeToString(a.evidence()))
                        .put("mode", "SIMULATED"));
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            byte[] body = ex.getRequestBody().readAllBytes();
            if (path.equals("/realms/medshare/.well-known/openid-configuration")) {
                ObjectNode d = JSON.createObjectNode();
                d.put("issuer", issuer().toString());
                d.put("token_endpoint", issuer() + "/protocol/openid-connect/token");
                d.put("device_authorization_endpoint", issuer() + "/protocol/openid-connect/auth/device");
                json(ex, 200, d);
                return;
            }
            if (path.equals("/realms/medshare/protocol/openid-connect/token") && method.equals("POST")) {
                token(ex, form(body));
                return;
            }
            if (path.equals("/realms/medshare/protocol/openid-connect/auth/device") && method.equals("POST")) {
                ObjectNode d = JSON.createObjectNode()
                        .put("device_code", "dc-" + tokenCounter.incrementAndGet())
                        .put("user_code", "ABCD-EFGH")
                        .put("verification_uri", issuer() + "/device")
                        .put("verification_uri_complete", issuer() + "/device?user_code=ABCD-EFGH")
                        .put("interval", 1)
                        .put("expires_in", 30);
                json(ex, 200, d);
                return;
            }
            Principal p = principal(ex);
            if (p == null) {
                ex.sendResponseHeaders(401, -1);
                return;
            }
            route(ex, method, path, body, p);
        } catch (Refusal r) {
            problem(ex, r.status, r.kind, r.title, r.getMessage());
        } catch (RuntimeException e) {
            problem(ex, 500, "internal-error", "Internal error", "the test double failed: " + e);
        } finally {
            ex.close();
        }
    }

    private void route(HttpExchange ex, String method, String path, byte[] body, Principal p) throws IOException {
        if (path.equals("/api/v1/me") && method.equals("GET")) {
            ObjectNode me = JSON.createObjectNode();
            me.put("subject", p.subject());
            me.put("organisation", p.organisation());
            ArrayNode roles = me.putArray("roles");
            p.roles().forEach(roles::add);
            json(ex, 200, me);
        } else if (path.equals("/api/v1/authority/parameters") && method.equals("GET")) {
            ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
            byte[] b = params.toBytes();
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
        } else if (path.equals("/api/v1/authority/parameters/attested") && method.equals("GET")) {
            attestedParameters(ex);
        } else if (path.equals("/api/v1/authority/epochs") && method.equals("GET")) {
            ObjectNode view = JSON.createObjectNode().put("current", epoch);
            ArrayNode retired = view.putArray("retired");
            retiredEpochs.forEach(retired::add);
            view.putNull("raisedAt");
            view.putNull("ledgerIndex");
            json(ex, 200, view);
        } else if (path.equals("/api/v1/authority/epochs") && method.equals("POST")) {
            requireRole(p, "regulator");
            raiseEpoch(ex, body, p);
        } else if (path.equals("/api/v1/authority/keys/entitlement") && method.equals("GET")) {
            requireRole(p, "hospital");
            ObjectNode entitlement = JSON.createObjectNode()
                    .put("organisation", p.organisation())
                    .put("subject", p.organisation() + ":" + p.subject())
                    .put("epoch", epoch);
            ArrayNode attributes = entitlement.putArray("attributes");
            new TreeSet<>(clinicianAttributes).forEach(attributes::add);
            json(ex, 200, entitlement);
        } else if (path.equals("/api/v1/authority/keys") && method.equals("POST")) {
            requireRole(p, "hospital");
            issueKey(ex, body, p);
        } else if (path.equals("/api/v1/signing-keys") && method.equals("POST")) {
            requireRole(p, "hospital");
            registerKey(ex, body, p);
        } else if (path.equals("/api/v1/records") && method.equals("POST")) {
            requireRole(p, "hospital");
            upload(ex, body, p);
        } else if (path.equals("/api/v1/records/search") && method.equals("GET")) {
            requireRole(p, "hospital");
            String ref = query(ex).get("patient");
            ArrayNode out = JSON.createArrayNode();
            shared.forEach((id, u) -> {
                if (!supersededBy.containsKey(id)
                        && List.of(u.statement()
                                        .tags()
                                        .getOrDefault("patient", "")
                                        .split(","))
                                .contains(ref)) {
                    out.add(sharedJson(id, u));
                }
            });
            json(ex, 200, out);
        } else if (path.equals("/api/v1/records/access") && method.equals("GET")) {
            requireRole(p, "hospital");
            ArrayNode out = JSON.createArrayNode();
            synchronized (releases) {
                releases.stream()
                        .filter(r -> r.path("owner").asText().equals(p.organisation()))
                        .forEach(out::add);
            }
            json(ex, 200, out);
        } else if (path.matches("/api/v1/records/access/[0-9]+/proof") && method.equals("GET")) {
            requireRole(p, "hospital");
            ObjectNode proof = accessProofs.get(Long.parseLong(path.split("/")[5]));
            if (proof == null) {
                problem(ex, 404, "not-found", "Not found", "No release of your records at this ledger index.");
            } else {
                json(ex, 200, proof);
            }
        } else if (path.matches("/api/v1/records/[^/]+/statement") && method.equals("GET")) {
            requireRole(p, "hospital");
            String id = path.split("/")[4];
            Shared u = shared.get(id);
            if (u == null) {
                problem(ex, 404, "not-found", "Not found", "Record " + id + " does not exist.");
            } else {
                json(ex, 200, sharedJson(id, u));
            }
        } else if (path.matches("/api/v1/records/[^/]+/ciphertext") && method.equals("GET")) {
            requireRole(p, "hospital");
            ciphertextRequests.incrementAndGet();
            String id = path.split("/")[4];
            Shared u = shared.get(id);
            String purpose = query(ex).get("purpose");
            if (u == null) {
                problem(ex, 404, "not-found", "Not found", "Record " + id + " does not exist.");
            } else if (purpose == null && !u.statement().organisation().equals(p.organisation())) {
                problem(ex, 403, "purpose-required", "Purpose of use required", "Name a purpose of use.");
            } else if (supersededBy.containsKey(id)
                    && !u.statement().organisation().equals(p.organisation())) {
                problem(ex, 403, "record-superseded", "Record superseded", "A newer version replaced it.");
            } else {
                byte[] b = u.envelope().clone();
                if (tamperEnvelope) {
                    b[b.length - 1] ^= 1;
                }
                synchronized (releases) {
                    ObjectNode release = JSON.createObjectNode()
                            .put("ledgerIndex", event("ACCESS", Map.of("record_id", id)))
                            .put("recordId", id)
                            .put("owner", u.statement().organisation())
                            .put("clinician", p.organisation() + ":" + p.subject())
                            .put("organisation", p.organisation())
                            .put("purpose", purpose)
                            .put("breakGlass", false)
                            .put("accessedAt", "2026-12-03T10:00:00Z");
                    release.putNull("consentVersions");
                    releases.add(release);
                }
                ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
                ex.sendResponseHeaders(200, b.length);
                ex.getResponseBody().write(b);
            }
        } else if (path.startsWith("/api/v1/records/") && method.equals("GET")) {
            requireRole(p, "hospital");
            String id = path.substring("/api/v1/records/".length());
            Stored s = records.get(id);
            if (s == null || !s.organisation().equals(p.organisation())) {
                problem(ex, 404, "not-found", "Not found", "Record " + id + " does not exist.");
            } else {
                json(
                        ex,
                        200,
                        JSON.createObjectNode()
                                .put("recordId", id)
                                .put("ledgerIndex", s.ledgerIndex())
                                .put("version", s.version())
                                .put("previousVersion", s.previousVersion())
                                .put("supersededBy", supersededBy.get(id)));
            }
        } else if (path.equals("/api/v1/queries/preview") && method.equals("POST")) {
            requireRole(p, "insurer");
            JsonNode request = JSON.readTree(body);
            if (!request.has("templateId")) {
                problem(ex, 400, "invalid-request", "Malformed query", "templateId is required.");
                return;
            }
            json(ex, 200, preview(request));
        } else if (path.equals("/api/v1/queries") && method.equals("POST")) {
            requireRole(p, "insurer");
            JsonNode request = JSON.readTree(body);
            if (!request.has("templateId")) {
                problem(ex, 400, "invalid-request", "Malformed query", "templateId is required.");
                return;
            }
            String id = "q-" + (queries.size() + 1);
            ObjectNode q = JSON.createObjectNode()
                    .put("queryId", id)
                    .put("insurer", p.organisation())
                    .put("templateId", request.get("templateId").asText())
                    .put("status", "SUBMITTED");
            q.putNull("result");
            queries.put(id, q);
            queryTexts.put(id, new String(body, StandardCharsets.UTF_8));
            event("QUERY_SUBMITTED", Map.of("query_id", id));
            json(ex, 201, q);
        } else if (path.matches("/api/v1/queries/[^/]+/approval-terms") && method.equals("GET")) {
            requireRole(p, "regulator");
            String id = path.split("/")[4];
            if (!queries.containsKey(id)) {
                problem(ex, 404, "not-found", "Not found", "Query " + id + " does not exist.");
                return;
            }
            json(ex, 200, approvalTerms(id));
        } else if (path.matches("/api/v1/queries/[^/]+/approve") && method.equals("POST")) {
            requireRole(p, "regulator");
            ObjectNode q = queries.get(path.split("/")[4]);
            if (q != null && !signedByTheRegulator(q.get("queryId").asText(), body)) {
                problem(ex, 403, "approval-not-trusted", "Forbidden", "The approval is not the regulator's.");
            } else if (q == null) {
                problem(ex, 404, "not-found", "Not found", "Query " + path.split("/")[4] + " does not exist.");
            } else if (!q.get("status").asText().equals("SUBMITTED")) {
                problem(
                        ex,
                        409,
                        "already-decided",
                        "Query already decided",
                        "Query " + q.get("queryId").asText() + " is "
                                + q.get("status").asText() + ".");
            } else {
                q.put("status", "COMPLETED");
                q.putObject("result").putArray("groups").addObject().put("count", 12);
                q.put("signedResult", "{\"groups\":[{\"count\":12}]}")
                        .put("resultHash", "ab12")
                        .put("resultSignature", "c2ln")
                        .put("measurement", "m3")
                        .put("inputRecords", records.size());
                json(ex, 200, q);
            }
        } else if (path.matches("/api/v1/queries/[^/]+/refuse") && method.equals("POST")) {
            requireRole(p, "regulator");
            ObjectNode q = queries.get(path.split("/")[4]);
            q.put("status", "REFUSED")
                    .put("reason", JSON.readTree(body).path("reason").asText());
            json(ex, 200, q);
        } else if (path.matches("/api/v1/queries/[^/]+") && method.equals("GET")) {
            requireRole(p, "insurer", "regulator");
            ObjectNode q = queries.get(path.split("/")[4]);
            if (q == null) {
                problem(ex, 404, "not-found", "Not found", "Query " + path.split("/")[4] + " does not exist.");
            } else {
                json(ex, 200, q);
            }
        } else if (path.equals("/api/v1/budgets") && method.equals("GET")) {
            requireRole(p, "insurer", "hospital", "regulator");
            ArrayNode out = JSON.createArrayNode();
            for (JsonNode b : budgets()) {
                if (p.roles().contains("regulator")
                        || b.path("organisation").asText().equals(p.organisation())) {
                    out.add(b);
                }
            }
            json(ex, 200, out);
        } else if (path.equals("/api/v1/budgets/own-limit") && method.equals("PUT")) {
            requireRole(p, "hospital");
            double limit = JSON.readTree(body).path("limit").asDouble();
            if (!(limit > 0)) {
                problem(ex, 400, "invalid-limit", "Invalid limit", "limit must be a positive number of ε.");
                return;
            }
            hospitalBudgetLimit = limit;
            json(ex, 200, budgets().get(1));
        } else if (path.equals("/api/v1/budgets/warning") && method.equals("PUT")) {
            requireRole(p, "hospital");
            int percent = JSON.readTree(body).path("warnAtPercent").asInt();
            if (percent < 1 || percent > 100) {
                problem(ex, 400, "invalid-budget-warning", "Invalid budget warning", "warnAtPercent must be 1 to 100.");
                return;
            }
            hospitalWarnAtPercent = percent;
            json(ex, 200, budgets().get(1));
        } else if (path.equals("/api/v1/templates") && method.equals("GET")) {
            requireRole(p, "insurer", "hospital", "regulator");
            json(
                    ex,
                    200,
                    JSON.createArrayNode()
                            .add(JSON.createObjectNode()
                                    .put("templateId", "count-by-age-sex")
                                    .put("version", 1)
                                    .put("purpose", "insurance-stats")
                                    .put("hash", TEMPLATE_HASH)
                                    .put("state", "APPROVED")));
        } else if (path.equals("/api/v1/data-use-rules") && method.equals("GET")) {
            requireRole(p, "hospital");
            json(ex, 200, rulesNode());
        } else if (path.equals("/api/v1/data-use-rules") && method.equals("PUT")) {
            requireRole(p, "hospital");
            List<String> next = new ArrayList<>();
            for (JsonNode r : JSON.readTree(body).path("rules")) {
                if (!r.asText().matches("[A-Za-z0-9._-]{1,64}/([A-Za-z0-9._-]{1,64}|\\*|sha256:[0-9a-f]{64})")) {
                    problem(ex, 400, "invalid-rule", "Invalid data-use rule", "Not a rule: " + r.asText());
                    return;
                }
                next.add(r.asText());
            }
            dataUseRules = List.copyOf(new TreeSet<>(next));
            json(ex, 200, rulesNode());
        } else if (path.equals("/api/v1/disclosure-limits") && method.equals("GET")) {
            requireRole(p, "hospital");
            ObjectNode limits = disclosureLimits.get(p.organisation());
            if (limits == null) {
                problem(
                        ex,
                        404,
                        "no-disclosure-limits",
                        "No disclosure limits",
                        "Your organisation has set no disclosure limits of its own.");
            } else {
                json(ex, 200, limits);
            }
        } else if (path.equals("/api/v1/disclosure-limits") && method.equals("PUT")) {
            requireRole(p, "hospital");
            JsonNode in = JSON.readTree(body);
            if (in.path("minGroupSize").asInt() < 2) {
                problem(
                        ex,
                        400,
                        "invalid-disclosure-limits",
                        "Invalid disclosure limits",
                        "minGroupSize is required: 2 to 1000000.");
                return;
            }
            ObjectNode limits = JSON.createObjectNode()
                    .put("minGroupSize", in.path("minGroupSize").asInt());
            limits.set(
                    "maxEpsilonPerQuery",
                    in.path("maxEpsilonPerQuery").isNumber() ? in.get("maxEpsilonPerQuery") : JSON.nullNode());
            limits.put("maxRowsPerPatient", in.path("maxRowsPerPatient").asInt(1000))
                    .put("noiseRequired", in.path("noiseRequired").asBoolean());
            limits.set(
                    "allowedAggregates",
                    in.path("allowedAggregates").isArray() ? in.get("allowedAggregates") : JSON.createArrayNode());
            limits.set(
                    "allowedFields",
                    in.path("allowedFields").isArray() ? in.get("allowedFields") : JSON.createArrayNode());
            disclosureLimits.put(p.organisation(), limits);
            json(ex, 200, limits);
        } else if (path.equals("/api/v1/payments/deposits") && method.equals("POST")) {
            requireRole(p, "insurer");
            BigInteger amount = JSON.readTree(body).path("amount").bigIntegerValue();
            BigInteger escrow = escrows.merge(p.organisation(), amount, BigInteger::add);
            json(
                    ex,
                    200,
                    JSON.createObjectNode()
                            .put("organisation", p.organisation())
                            .put("escrow", escrow));
        } else if (path.startsWith("/api/v1/payments/balances/") && method.equals("GET")) {
            String org = path.substring("/api/v1/payments/balances/".length());
            if (!org.equals("me")) {
                requireRole(p, "regulator");
            }
            String who = org.equals("me") ? p.organisation() : org;
            json(
                    ex,
                    200,
                    JSON.createObjectNode()
                            .put("organisation", who)
                            .put("escrow", escrows.getOrDefault(who, java.math.BigInteger.ZERO)));
        } else if (path.equals("/api/v1/audit/events") && method.equals("GET")) {
            requireRole(p, "regulator");
            Map<String, String> q = form(
                    ex.getRequestURI().getRawQuery() == null
                            ? new byte[0]
                            : ex.getRequestURI().getRawQuery().getBytes(StandardCharsets.UTF_8));
            int page = auditPages.incrementAndGet();
            if (failAuditAfterPages > 0 && page > failAuditAfterPages) {
                problem(ex, 503, "ledger-overloaded", "Overloaded", "The ledger is busy; retry later.");
                return;
            }
            int from = Integer.parseInt(q.getOrDefault("from", "0"));
            int limit = Integer.parseInt(q.getOrDefault("limit", "100"));
            if (limit > 1000) {
                problem(ex, 400, "invalid-range", "Constraint violation", "limit must be at most 1000.");
                return;
            }
            ArrayNode out = JSON.createArrayNode();
            synchronized (this) {
                for (int i = from; i < Math.min(events.size(), from + limit); i++) {
                    out.add(events.get(i));
                }
            }
            json(ex, 200, out);
        } else if (path.equals("/api/v1/audit/checkpoint") && method.equals("GET")) {
            requireRole(p, "regulator");
            byte[] b = checkpointNotes.get().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain;charset=UTF-8");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
        } else if (path.equals("/api/v1/audit/proofs/consistency") && method.equals("GET")) {
            requireRole(p, "regulator");
            Map<String, String> q = form(ex.getRequestURI().getRawQuery().getBytes(StandardCharsets.UTF_8));
            long from = Long.parseLong(q.get("from"));
            long to = Long.parseLong(q.get("to"));
            List<String> hashes = consistencyProofs.apply(from, to);
            if (hashes == null) {
                problem(ex, 400, "invalid-range", "Invalid range", "No proof between these sizes.");
                return;
            }
            ObjectNode answer = JSON.createObjectNode().put("fromSize", from).put("toSize", to);
            hashes.forEach(answer.putArray("proof")::add);
            json(ex, 200, answer);
        } else if (path.equals("/api/v1/audit/proofs/inclusion") && method.equals("GET")) {
            requireRole(p, "regulator");
            Map<String, String> q = form(ex.getRequestURI().getRawQuery().getBytes(StandardCharsets.UTF_8));
            ObjectNode receipt = inclusionReceipts.get(Long.parseLong(q.get("index")));
            if (receipt == null) {
                problem(ex, 404, "not-found", "Not found", "No checkpoint covers this entry.");
            } else {
                json(ex, 200, receipt);
            }
        } else if (path.equals("/api/v1/audit/export") && method.equals("GET")) {
            requireRole(p, "regulator");
            auditExport(ex);
        } else {
            problem(ex, 404, "not-found", "Not found", "No endpoint " + method + " " + path + ".");
        }
    }

    private static final class Refusal extends RuntimeException {
        final int status;
        final String kind;
        final String title;

        Refusal(int status, String kind, String title, String detail) {
            super(detail);
            this.status = status;
            this.kind = kind;
            this.title = title;
        }
    }

    private static void requireRole(Principal p, String... roles) {
        for (String r : roles) {
            if (p.roles().contains(r)) {
                return;
            }
        }
        throw new Refusal(403, "forbidden", "Forbidden", "This endpoint is for " + String.join(" or ", roles) + ".");
    }

    private void registerKey(HttpExchange ex, byte[] body, Principal p) throws IOException {
        PublicKey key;
        byte[] spki;
        try {
            spki = Base64.getDecoder()
                    .decode(JSON.readTree(body).path("publicKey").asText());
            key = SigningKeys.decodePublic(spki);
        } catch (Exception e) {
            problem(
                    ex,
                    400,
                    "invalid-public-key",
                    "Invalid public key",
                    "publicKey must be base64 SubjectPublicKeyInfo.");
            return;
        }
        String keyId = HexFormat.of().formatHex(UploadStatement.sha256(spki), 0, 16);
        String owner = keyOwners.putIfAbsent(keyId, p.organisation());
        if (owner != null && !owner.equals(p.organisation())) {
            problem(
                    ex,
                    409,
                    "key-taken",
                    "Key already registered",
                    "This public key is registered to another organisation.");
            return;
        }
        signingKeys.put(keyId, key);
        ObjectNode a = JSON.createObjectNode()
                .put("keyId", keyId)
                .put("organisation", p.organisation())
                .put("suite", "nist")
                .put("publicKey", Base64.getEncoder().encodeToString(spki));
        if (giveHospitalNumber) {
            a.put("hospitalNumber", p.organisation().equals("hospital-a") ? 1 : 2);
        }
        json(ex, 200, a);
    }

    private void upload(HttpExchange ex, byte[] body, Principal p) throws IOException {
        uploadPosts.incrementAndGet();
        String ct = ex.getRequestHeaders().getFirst("Content-Type");
        Map<String, byte[]> parts = Multipart.parse(ct, body);
        byte[] metaBytes = parts.get("metadata");
        byte[] envelope = parts.get("envelope");
        byte[] rows = parts.get("rows");
        if (metaBytes == null || envelope == null || rows == null) {
            problem(ex, 400, "missing-part", "Missing part", "metadata, envelope and rows are required.");
            return;
        }
        JsonNode meta = JSON.readTree(metaBytes);
        Map<String, String> tags = new TreeMap<>();
        meta.path("tags")
                .fields()
                .forEachRemaining(e -> tags.put(e.getKey(), e.getValue().asText()));
        String key = meta.path("idempotencyKey").asText();
        String policyText = meta.path("policy").asText();
        UploadStatement st = new UploadStatement(
                p.organisation(),
                key,
                policyText,
                UploadStatement.sha256(envelope),
                UploadStatement.sha256(rows),
                new TreeMap<>(tags));
        PublicKey pub = signingKeys.get(meta.path("signingKeyId").asText());
        if (pub == null
                || !p.organisation()
                        .equals(keyOwners.get(meta.path("signingKeyId").asText()))) {
            problem(
                    ex,
                    400,
                    "unknown-signing-key",
                    "Unknown signing key",
                    "No such signing key for " + p.organisation() + ".");
            return;
        }
        if (!verifies(st, pub, meta.path("signature").asText())) {
            problem(
                    ex,
                    400,
                    "bad-signature",
                    "Signature does not verify",
                    "The signature does not match the upload statement.");
            return;
        }
        Policy policy;
        try {
            policy = Policy.parse(policyText);
        } catch (PolicySyntaxException e) {
            problem(ex, 400, "invalid-policy", "Invalid policy", "The policy does not parse.");
            return;
        }
        EnvelopeHeader h;
        try {
            h = Envelope.inspect(new ByteArrayInputStream(envelope));
        } catch (Exception e) {
            problem(ex, 400, "malformed-envelope", "Malformed envelope", "The envelope part does not parse.");
            return;
        }
        EncryptedRows r;
        try {
            r = EncryptedRows.parse(rows);
        } catch (Exception e) {
            problem(ex, 400, "malformed-rows", "Malformed analytics rows", "The rows part does not parse.");
            return;
        }
        if (!h.policy().equals(policy) || !r.policy().equals(policy)) {
            problem(ex, 400, "policy-mismatch", "Policy mismatch", "The envelope and rows must use the stated policy.");
            return;
        }
        if (h.suite() != r.suite()) {
            problem(ex, 400, "suite-mismatch", "Suite mismatch", "The envelope and rows must use one suite.");
            return;
        }
        if (r.chunks().stream().anyMatch(c -> !c.recordId().equals(st.recordId()))) {
            problem(
                    ex,
                    400,
                    "rows-record-mismatch",
                    "Rows bound to another record",
                    "Every chunk must be bound to " + st.recordId() + ".");
            return;
        }
        if (tags.containsKey("document") && !tags.get("document").matches("[0-9a-f]{16,64}")) {
            problem(
                    ex,
                    400,
                    "invalid-document-reference",
                    "Invalid document reference",
                    "The tag 'document' holds a keyed hash of the document identifier.");
            return;
        }
        String replaces = tags.get("replaces");
        if (replaces != null && !replaces.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")) {
            problem(
                    ex,
                    400,
                    "invalid-replaces",
                    "Invalid replaced record",
                    "The tag 'replaces' names the id of the record this upload replaces.");
            return;
        }
        if (tags.containsKey("resources") && !tags.get("resources").matches(RESOURCE_SUMMARY)) {
            problem(
                    ex,
                    400,
                    "invalid-resource-summary",
                    "Invalid resource summary",
                    "The tag 'resources' lists resource types with coarse counts.");
            return;
        }
        if (refuse.test(st)) {
            problem(
                    ex,
                    403,
                    "policy-not-allowed",
                    "Policy not allowed",
                    "hospital-a may not set policy " + policyText + ".");
            return;
        }
        String hash = HexFormat.of().formatHex(UploadStatement.sha256(st.canonicalBytes()));
        boolean replayed;
        Stored stored;
        synchronized (this) {
            Stored existing = records.get(st.recordId());
            if (existing != null && !existing.statementHash().equals(hash)) {
                problem(
                        ex,
                        409,
                        "idempotency-conflict",
                        "Idempotency key reused",
                        "Idempotency key " + key + " was already used for a different upload.");
                return;
            }
            replayed = existing != null;
            Stored replaced = replaces == null || replayed ? null : records.get(replaces);
            if (replaces != null && !replayed) {
                if (replaced == null || !replaced.organisation().equals(p.organisation())) {
                    problem(ex, 404, "not-found", "Not Found", "Record " + replaces + " does not exist.");
                    return;
                }
                if (supersededBy.containsKey(replaces)) {
                    problem(
                            ex,
                            409,
                            "not-current-version",
                            "Not the current version",
                            "Record " + replaces + " was already replaced by a newer version.");
                    return;
                }
            }
            if (existing != null) {
                stored = existing;
            } else {
                String document = tags.get("document");
                Stored previous = replaced != null
                        ? replaced
                        : document == null
                                ? null
                                : records.values().stream()
                                        .filter(s -> s.organisation().equals(p.organisation())
                                                && document.equals(s.document()))
                                        .max(Comparator.comparingInt(Stored::version))
                                        .orElse(null);
                String previousId = previous == null
                        ? null
                        : records.entrySet().stream()
                                .filter(e -> e.getValue() == previous)
                                .map(Map.Entry::getKey)
                                .findFirst()
                                .orElseThrow();
                stored = new Stored(
                        p.organisation(),
                        hash,
                        event("UPLOAD", Map.of("record_id", st.recordId())),
                        document,
                        previous == null ? 1 : previous.version() + 1,
                        previous == null ? st.recordId() : previous.recordOf(),
                        previousId,
                        r.rowCount());
                if (previousId != null) {
                    supersededBy.put(previousId, st.recordId());
                }
            }
            records.put(st.recordId(), stored);
            shared.putIfAbsent(
                    st.recordId(),
                    new Shared(
                            st,
                            meta.path("signingKeyId").asText(),
                            meta.path("signature").asText(),
                            envelope));
        }
        if (!replayed && loseAnswers.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            ex.sendResponseHeaders(500, -1);
            return;
        }
        ObjectNode a = JSON.createObjectNode();
        a.putObject("record")
                .put("recordId", st.recordId())
                .put("organisation", p.organisation())
                .put("policy", policyText)
                .put("version", stored.version())
                .put("recordOf", stored.recordOf())
                .put("previousVersion", stored.previousVersion())
                .put("analyticsRows", stored.analyticsRows())
                .put("usedInStatistics", stored.analyticsRows() > 0);
        a.putObject("receipt").put("index", stored.ledgerIndex()).put("treeSize", stored.ledgerIndex() + 1);
        a.put("replayed", replayed);
        List<String> notes = new ArrayList<>();
        if (stored.version() > 1) {
            notes.add("stored as version " + stored.version() + " of record " + stored.recordOf()
                    + " (same document); statistics and payouts count the record once, by its current version");
        }
        if (stored.analyticsRows() == 0) {
            notes.add("stored without analytics rows: shared, but not used in statistics");
        }
        a.put("note", notes.isEmpty() ? null : String.join("; ", notes));
        json(ex, replayed ? 200 : 201, a);
    }

    private Map<String, String> query(HttpExchange ex) {
        String raw = ex.getRequestURI().getRawQuery();
        return form(raw == null ? new byte[0] : raw.getBytes(StandardCharsets.UTF_8));
    }

    /** A raise of the attribute epoch, checked as the service checks it. */
    private void raiseEpoch(HttpExchange ex, byte[] body, Principal p) throws IOException {
        String next = JSON.readTree(body).path("epoch").asText("");
        AttributeEpoch to;
        try {
            to = AttributeEpoch.parse(next);
        } catch (IllegalArgumentException e) {
            problem(ex, 400, "invalid-epoch", "Invalid epoch", "epoch is YYYYQn, e.g. 2027Q1.");
            return;
        }
        synchronized (this) {
            if (!to.isAfter(AttributeEpoch.parse(epoch))) {
                problem(ex, 409, "epoch-not-later", "Epoch not later", "The current epoch is " + epoch + ".");
                return;
            }
            long index = event("EPOCH_RAISED", Map.of("previous_epoch", epoch, "epoch", next));
            currentEpoch(next);
            ObjectNode view = JSON.createObjectNode().put("current", epoch);
            ArrayNode retired = view.putArray("retired");
            retiredEpochs.forEach(retired::add);
            view.put("raisedAt", "2026-12-04T10:00:00Z");
            view.put("ledgerIndex", index);
            json(ex, 200, view);
        }
    }

    /** A record as the statement and search endpoints describe it. */
    private ObjectNode sharedJson(String id, Shared u) {
        UploadStatement st = u.statement();
        String signature = u.signature();
        if (forgeSignature) {
            signature = shared.values().stream()
                    .map(Shared::signature)
                    .filter(other -> !other.equals(u.signature()))
                    .findFirst()
                    .orElse(Base64.getEncoder().encodeToString(new byte[64]));
        }
        ObjectNode r = JSON.createObjectNode()
                .put("recordId", id)
                .put("organisation", st.organisation())
                .put("policy", st.policy())
                .put("suite", "NIST")
                .put("createdAt", "2026-12-03T09:00:00Z")
                .put("version", records.get(id).version())
                .put("envelopeCid", ContentIds.ofSha256(st.envelopeSha256()))
                .put("envelopeBytes", u.envelope().length)
                .put("rowsCid", ContentIds.ofSha256(st.rowsSha256()))
                .put("rowsBytes", 0)
                .put("idempotencyKey", st.idempotencyKey())
                .put("signingKeyId", u.signingKeyId())
                .put("signature", signature)
                .put(
                        "signingPublicKey",
                        Base64.getEncoder()
                                .encodeToString(
                                        signingKeys.get(u.signingKeyId()).getEncoded()))
                .put("ledgerIndex", records.get(id).ledgerIndex());
        ObjectNode tags = r.putObject("tags");
        st.tags().forEach(tags::put);
        r.putObject("resourceSummary");
        return r;
    }

    private static boolean verifies(UploadStatement statement, PublicKey key, String signature) {
        try {
            return statement.verify(key, Base64.getDecoder().decode(signature));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void token(HttpExchange ex, Map<String, String> f) throws IOException {
        tokenRequests.incrementAndGet();
        Principal p = null;
        switch (f.getOrDefault("grant_type", "")) {
            case "password" -> {
                String user = f.get("username");
                if ("medshare-cli".equals(f.get("client_id"))
                        && user != null
                        && f.getOrDefault("password", "").equals(passwords.get(user))) {
                    p = users.get(user);
                }
            }
            case "client_credentials" -> {
                if ("hospital-a-system".equals(f.get("client_id"))
                        && "hospital-a-system-secret".equals(f.get("client_secret"))) {
                    p = users.get("service-account-hospital-a-system");
                }
            }
            case "refresh_token" -> p = refreshTokens.remove(f.getOrDefault("refresh_token", ""));
            case "urn:ietf:params:oauth:grant-type:device_code" -> {
                if (devicePolls.incrementAndGet() < 2) {
                    json(ex, 400, JSON.createObjectNode().put("error", "authorization_pending"));
                    return;
                }
                if (deviceUser == null) {
                    json(
                            ex,
                            400,
                            JSON.createObjectNode()
                                    .put("error", "access_denied")
                                    .put("error_description", "The end user denied the authorization request."));
                    return;
                }
                p = users.get(deviceUser);
            }
            default -> {
                json(ex, 400, JSON.createObjectNode().put("error", "unsupported_grant_type"));
                return;
            }
        }
        if (p == null) {
            json(
                    ex,
                    401,
                    JSON.createObjectNode()
                            .put("error", "invalid_grant")
                            .put("error_description", "Invalid user credentials"));
            return;
        }
        String access = "access-" + tokenCounter.incrementAndGet();
        tokens.put(access, p);
        ObjectNode a = JSON.createObjectNode()
                .put("access_token", access)
                .put("token_type", "Bearer")
                .put("expires_in", accessLifetime);
        if (!f.get("grant_type").equals("client_credentials")) {
            String refresh = "refresh-" + tokenCounter.incrementAndGet();
            refreshTokens.put(refresh, p);
            a.put("refresh_token", refresh).put("refresh_expires_in", 1800);
        }
        json(ex, 200, a);
    }

    private Principal principal(HttpExchange ex) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.startsWith("Bearer ")) {
            return null;
        }
        return tokens.get(auth.substring(7));
    }

    /** Issues an access token for a user directly (for --token-file tests). */
    public String tokenFor(String user) {
        String access = "access-" + tokenCounter.incrementAndGet();
        tokens.put(access, users.get(user));
        return access;
    }

    private static Map<String, String> form(byte[] body) {
        Map<String, String> m = new HashMap<>();
        String s = new String(body, StandardCharsets.UTF_8);
        if (s.isEmpty()) {
            return m;
        }
        for (String kv : s.split("&")) {
            int eq = kv.indexOf('=');
            m.put(
                    URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return m;
    }

    private static void json(HttpExchange ex, int status, JsonNode node) throws IOException {
        byte[] b = JSON.writeValueAsBytes(node);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    /** An RFC 9457 problem of the service's type {@code kind}. */
    private static void problem(HttpExchange ex, int status, String kind, String title, String detail)
            throws IOException {
        ObjectNode p = JSON.createObjectNode()
                .put("type", "https://medshare.example/problems/" + kind)
                .put("title", title)
                .put("status", status)
                .put("detail", detail);
        byte[] b = JSON.writeValueAsBytes(p);
        ex.getResponseHeaders().set("Content-Type", "application/problem+json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }
}
