package org.medshare.ledger.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Loopback ports for tests that start several servers. */
public final class FreePorts {
    private FreePorts() {}

    /**
     * {@code n} distinct loopback ports that were free a moment ago: every socket stays bound until all are chosen, so
     * the system cannot hand out one port twice (asked one at a time, it may).
     */
    public static int[] distinct(int n) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }
}
