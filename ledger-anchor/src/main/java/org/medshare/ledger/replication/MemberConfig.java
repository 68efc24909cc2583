package org.medshare.ledger.replication;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Configuration of one replicated ledger member.
 *
 * @param memberId        this member's id (a key of {@code peers} and of the directory)
 * @param peers           every member's Raft address (loopback in tests)
 * @param groupId         the Raft group id, the same on every member
 * @param storageDir      this member's Raft storage; reused on restart
 * @param origin          the log's checkpoint origin line
 * @param quorum          cosignatures needed for a final checkpoint (1..members)
 * @param key             this member's signing key
 * @param directory       every member's public key
 * @param electionTimeout minimum Raft election timeout (the maximum is twice it)
 * @param tls             this member's mutual TLS in the group, or null for plaintext (tests, one machine)
 */
public record MemberConfig(
        String memberId,
        Map<String, InetSocketAddress> peers,
        UUID groupId,
        Path storageDir,
        String origin,
        int quorum,
        MemberKey key,
        MemberDirectory directory,
        Duration electionTimeout,
        GroupTls tls) {
    /** A member of a group that runs without TLS. */
    public MemberConfig(
            String memberId,
            Map<String, InetSocketAddress> peers,
            UUID groupId,
            Path storageDir,
            String origin,
            int quorum,
            MemberKey key,
            MemberDirectory directory,
            Duration electionTimeout) {
        this(memberId, peers, groupId, storageDir, origin, quorum, key, directory, electionTimeout, null);
    }

    public MemberConfig {
        Objects.requireNonNull(memberId, "memberId");
        peers = new LinkedHashMap<>(Objects.requireNonNull(peers, "peers"));
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(storageDir, "storageDir");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(electionTimeout, "electionTimeout");
        if (!peers.containsKey(memberId)) {
            throw new IllegalArgumentException("member " + memberId + " is not among the peers");
        }
        if (!key.memberId().equals(memberId)) {
            throw new IllegalArgumentException("key belongs to " + key.memberId() + ", not " + memberId);
        }
        if (!directory.members().equals(peers.keySet())) {
            throw new IllegalArgumentException(
                    "directory members " + directory.members() + " differ from peers " + peers.keySet());
        }
        if (quorum < 1 || quorum > peers.size()) {
            throw new IllegalArgumentException("quorum must be in 1.." + peers.size());
        }
        peers = Map.copyOf(peers);
    }
}
