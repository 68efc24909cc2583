package org.medshare.service.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.medshare.ledger.LogOverloadedException;
import org.medshare.service.refusal.Refusal;
import org.medshare.service.refusal.RequestRefusedException;

/** The mappings the bad-input corpus cannot reach: an overloaded ledger, and every kind of refusal's status. */
@QuarkusTest
class ProblemMappersTest {

    @Test
    void anOverloadedLedgerIsA503WithRetryAfterAndNoInternals() {
        Response answer = new ProblemMappers()
                .ledgerOverloaded(new LogOverloadedException("audit log queue full (4096 pending); retry later"), null);
        assertEquals(503, answer.getStatus());
        assertEquals("1", answer.getHeaderString("Retry-After"));
        assertEquals(Problem.MEDIA_TYPE, answer.getMediaType().toString());
        Problem problem = (Problem) answer.getEntity();
        assertEquals(URI.create(Problem.TYPE_BASE + "ledger-overloaded"), problem.type());
        assertEquals(503, problem.status());
        assertFalse(problem.detail().contains("queue"), "the exception's message stays inside");
    }

    @Test
    void everyRefusalHasItsStatus() {
        Map<Refusal, Integer> expected = new EnumMap<>(Map.of(
                Refusal.UNAVAILABLE,
                503,
                Refusal.INVALID,
                400,
                Refusal.FORBIDDEN,
                403,
                Refusal.NOT_FOUND,
                404,
                Refusal.CONFLICT,
                409,
                Refusal.TOO_LARGE,
                413,
                Refusal.STORAGE_EXHAUSTED,
                507));
        assertEquals(Refusal.values().length, expected.size(), "a new refusal needs its status here");
        for (Refusal refusal : Refusal.values()) {
            Response answer = new ProblemMappers()
                    .refused(new RequestRefusedException(refusal, "some-kind", "Some title", "Some detail."), null);
            assertEquals(expected.get(refusal), answer.getStatus(), refusal.name());
            Problem problem = (Problem) answer.getEntity();
            assertEquals(URI.create(Problem.TYPE_BASE + "some-kind"), problem.type());
            assertEquals("Some title", problem.title());
            assertEquals("Some detail.", problem.detail());
        }
    }
}
