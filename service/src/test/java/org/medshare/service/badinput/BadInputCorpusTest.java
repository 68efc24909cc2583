package org.medshare.service.badinput;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.oidc.Claim;
import io.quarkus.test.security.oidc.OidcSecurity;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.medshare.service.problem.Problem;

/**
 * The bad-input corpus: every case is a request a caller with the right role may send but that is
 * wrong in one named way. Each must be answered with the expected 4xx status as RFC 9457 problem+json (type,
 * title, status, detail; never an exception's text), and must change nothing: every database table, every file
 * under the data directory (shards, catalog, ledger), the ledger's size and root, the privacy budgets and the
 * incentive contract's state are compared before and after (see {@link StateSnapshot}).
 *
 * <p>Cases are grouped by the role that sends them ({@link HospitalCases}, {@link InsurerCases},
 * {@link RegulatorCases}); JSON bodies live in {@code src/test/resources/bad-input/*.txt}. Attestation quotes are
 * accepted by no endpoint: the enclave gateway verifies the worker's quote itself, and replayed, stale, expired
 * and tampered quotes are refused in enclave-sim ({@code QuoteVerifierTest}, {@code KeyAuthorityTest}).
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputCorpusTest {

    private static final int MINIMUM_CASES = 200;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Fixture fixture;
    private static final AtomicInteger CASES_RUN = new AtomicInteger();
    private static final AtomicReference<Map<String, BadInput>> HOSPITAL_CASES = new AtomicReference<>();
    private static final AtomicReference<Map<String, BadInput>> INSURER_CASES = new AtomicReference<>();
    private static final AtomicReference<Map<String, BadInput>> REGULATOR_CASES = new AtomicReference<>();

    @Inject
    CorpusState state;

    // Cases are passed by name: Quarkus clones every argument of a parameterized test into its class loader,
    // which for a case carrying lambdas costs more than running it.
    static Stream<String> hospitalCases() {
        return HospitalCases.all().stream().map(BadInput::name);
    }

    static Stream<String> insurerCases() {
        return InsurerCases.all().stream().map(BadInput::name);
    }

    static Stream<String> regulatorCases() {
        return RegulatorCases.all().stream().map(BadInput::name);
    }

    @Order(1)
    @ParameterizedTest(name = "hospital: {0}")
    @MethodSource("hospitalCases")
    @TestSecurity(user = "alice", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "hospital-a"))
    void hospital(String name) {
        refusedAndNothingChanged(byName(HOSPITAL_CASES, HospitalCases::all).get(name));
    }

    @Order(2)
    @ParameterizedTest(name = "insurer: {0}")
    @MethodSource("insurerCases")
    @TestSecurity(user = "irene", roles = "insurer")
    @OidcSecurity(claims = @Claim(key = "org_id", value = Fixture.INSURER))
    void insurer(String name) {
        refusedAndNothingChanged(byName(INSURER_CASES, InsurerCases::all).get(name));
    }

    @Order(3)
    @ParameterizedTest(name = "regulator: {0}")
    @MethodSource("regulatorCases")
    @TestSecurity(user = "rita", roles = "regulator")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
    void regulator(String name) {
        refusedAndNothingChanged(byName(REGULATOR_CASES, RegulatorCases::all).get(name));
    }

    private static Map<String, BadInput> byName(
            AtomicReference<Map<String, BadInput>> cache, Supplier<List<BadInput>> cases) {
        return cache.updateAndGet(m -> {
            if (m != null) {
                return m;
            }
            Map<String, BadInput> out = new HashMap<>();
            cases.get().forEach(c -> out.put(c.name(), c));
            return out;
        });
    }

    /**
     * Every operation of the OpenAPI document received at least one bad request (checked after the cases ran;
     * skipped when only some of them were selected). A new endpoint without bad-input cases fails here.
     */
    @Test
    @Order(4)
    void everyDocumentedOperationReceivedBadInput() {
        long all = Stream.of(hospitalCases(), insurerCases(), regulatorCases())
                .flatMap(s -> s)
                .count();
        Assumptions.assumeTrue(
                CASES_RUN.get() == all, "only " + CASES_RUN.get() + " of " + all + " cases ran in this selection");
        Map<String, Map<String, Object>> paths = given().queryParam("format", "json")
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .extract()
                .path("paths");
        List<String> uncovered = new ArrayList<>();
        paths.forEach((path, operations) -> operations.keySet().forEach(method -> {
            if (Set.of("get", "post", "put", "delete", "patch").contains(method)) {
                Pattern template = Pattern.compile(Pattern.quote(path).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q"));
                String verb = method.toUpperCase(Locale.ROOT);
                boolean hit = Requests.SENT.stream()
                        .anyMatch(sent -> sent.startsWith(verb + " ")
                                && template.matcher(sent.substring(verb.length() + 1))
                                        .matches());
                if (!hit) {
                    uncovered.add(verb + " " + path);
                }
            }
        }));
        assertEquals(List.of(), uncovered, "operations no bad-input case was sent to");
    }

    @Test
    void theCorpusHasAtLeast200DistinctlyNamedCases() {
        Map<String, Integer> byCategory = new TreeMap<>();
        Set<String> names = new TreeSet<>();
        List<String> duplicates = new ArrayList<>();
        Stream.of(hospitalCases(), insurerCases(), regulatorCases())
                .flatMap(s -> s)
                .forEach(name -> {
                    if (!names.add(name)) {
                        duplicates.add(name);
                    }
                    byCategory.merge(name.substring(0, name.indexOf('-')), 1, Integer::sum);
                });
        assertEquals(List.of(), duplicates, "every case needs its own name");
        System.out.println("bad-input corpus: " + names.size() + " cases by first word of their name: " + byCategory);
        assertTrue(names.size() >= MINIMUM_CASES, names.size() + " cases: " + byCategory);
    }

    private void refusedAndNothingChanged(BadInput badInput) {
        Fixture fx = fixture();
        StateSnapshot before = snapshot();
        CASES_RUN.incrementAndGet();
        Answer answer = badInput.send().apply(fx);
        String name = badInput.name() + ": ";
        String body = answer.body();
        if (answer.status() != badInput.status()) {
            fail(name + "expected " + badInput.status() + " but got " + answer.status() + " (" + answer.contentType()
                    + "): " + abbreviated(body));
        }
        assertTrue(
                answer.contentType().startsWith(Problem.MEDIA_TYPE),
                name + "content type " + answer.contentType() + ", body: " + abbreviated(body));
        JsonNode problem = readJson(name, body);
        String type = problem.path("type").asText(null);
        assertTrue(type != null && type.startsWith(Problem.TYPE_BASE), name + "problem type " + type);
        if (badInput.kind() != null) {
            assertEquals(
                    Problem.TYPE_BASE + badInput.kind(),
                    type,
                    name + "problem type; detail: " + problem.path("detail").asText());
        }
        assertTrue(!problem.path("title").asText("").isBlank(), name + "problem title");
        assertEquals(answer.status(), problem.path("status").asInt(), name + "problem status");
        String detail = problem.path("detail").asText(null);
        assertTrue(detail != null && !detail.isBlank(), name + "problem detail in " + abbreviated(body));
        assertTrue(
                !body.contains("Exception") && !body.contains("\tat "),
                name + "exception text in " + abbreviated(body));
        List<String> changes = before.differences(snapshot());
        assertEquals(List.of(), changes, name + "a refused request must change nothing");
    }

    private StateSnapshot snapshot() {
        return state.snapshot();
    }

    private Fixture fixture() {
        synchronized (BadInputCorpusTest.class) {
            if (fixture == null) {
                fixture = state.newFixture();
            }
            return fixture;
        }
    }

    private static JsonNode readJson(String name, String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError(name + "the problem is not JSON: " + abbreviated(body), e);
        }
    }

    private static String abbreviated(String text) {
        return text.length() > 400 ? text.substring(0, 400) + "..." : text;
    }
}
