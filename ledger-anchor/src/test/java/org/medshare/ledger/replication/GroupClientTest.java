package org.medshare.ledger.replication;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class GroupClientTest {

    /**
     * A member that accepts connections and never answers makes every attempt wait its whole request timeout; the
     * client still gives up after its deadline plus one attempt, not after as many attempts as fit the deadline
     * with no wait (4 s / 250 ms = 16 attempts of 1 s each).
     */
    @Test
    @Timeout(60)
    void aGroupThatNeverAnswersFailsTheRequestAfterTheDeadline() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                GroupClient client = GroupClient.connect(
                        UUID.randomUUID(),
                        Map.of("m1", new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort())),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(4))) {
            long start = System.nanoTime();
            assertThrows(IOException.class, () -> client.append(List.of(new byte[] {1})));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(Duration.ofSeconds(12)) < 0, "gave up after " + took);
        }
    }
}
