package org.medshare.ledger.replication;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.client.retry.RequestTypeDependentRetryPolicy;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.proto.RaftProtos.RaftClientRequestProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;

/**
 * A Raft client of the ledger group that is not itself a member: it submits batches of ledger entries to whichever
 * member leads and learns where they landed. It holds no member key, so it can neither cosign nor make a checkpoint
 * final. Thread-safe.
 */
public final class GroupClient implements AutoCloseable {
    private final RaftClient client;

    private GroupClient(RaftClient client) {
        this.client = client;
    }

    /**
     * Connects to the group (lazily: nothing is sent before the first request).
     *
     * @param peers          every member's Raft address, by member id
     * @param requestTimeout how long one attempt waits for a reply
     * @param giveUpAfter    how long a request is retried (no leader, leader changing) before it fails
     */
    public static GroupClient connect(
            UUID groupId, Map<String, InetSocketAddress> peers, Duration requestTimeout, Duration giveUpAfter) {
        return connect(groupId, peers, null, requestTimeout, giveUpAfter);
    }

    /**
     * As {@link #connect(UUID, Map, Duration, Duration)}, authenticating with {@code tls} (mutual TLS; null for a
     * group that runs without TLS).
     */
    public static GroupClient connect(
            UUID groupId,
            Map<String, InetSocketAddress> peers,
            GroupTls tls,
            Duration requestTimeout,
            Duration giveUpAfter) {
        RaftProperties properties = new RaftProperties();
        RaftConfigKeys.Rpc.setType(properties, SupportedRpcType.GRPC);
        RaftClientConfigKeys.Rpc.setRequestTimeout(
                properties, TimeDuration.valueOf(requestTimeout.toMillis(), TimeUnit.MILLISECONDS));
        return new GroupClient(build(group(groupId, peers), properties, tls, giveUpAfter));
    }

    static RaftGroup group(UUID groupId, Map<String, InetSocketAddress> peers) {
        List<RaftPeer> list = new ArrayList<>();
        peers.forEach((id, address) -> list.add(RaftPeer.newBuilder()
                .setId(id)
                .setAddress(address.getHostString() + ":" + address.getPort())
                .build()));
        return RaftGroup.valueOf(RaftGroupId.valueOf(groupId), list);
    }

    /** The client a member uses to submit to its own group, with the member's own Raft properties. */
    static GroupClient forMember(RaftGroup group, RaftProperties properties, GroupTls tls, Duration giveUpAfter) {
        return new GroupClient(build(group, properties, tls, giveUpAfter));
    }

    /**
     * A client that retries every request every 250 ms until {@code giveUpAfter} has passed since it was first
     * sent: a request fails after at most {@code giveUpAfter} plus one attempt's request timeout, however the
     * attempts fail (refused at once or timing out).
     */
    private static RaftClient build(RaftGroup group, RaftProperties properties, GroupTls tls, Duration giveUpAfter) {
        long sleepMs = 250;
        int attempts = (int) Math.max(1, giveUpAfter.toMillis() / sleepMs);
        RetryPolicy everySleep = RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                attempts, TimeDuration.valueOf(sleepMs, TimeUnit.MILLISECONDS));
        TimeDuration deadline = TimeDuration.valueOf(giveUpAfter.toMillis(), TimeUnit.MILLISECONDS);
        RequestTypeDependentRetryPolicy.Builder policy = RequestTypeDependentRetryPolicy.newBuilder();
        for (RaftClientRequestProto.TypeCase type : RaftClientRequestProto.TypeCase.values()) {
            policy.setRetryPolicy(type, everySleep).setTimeout(type, deadline);
        }
        return RaftClient.newBuilder()
                .setProperties(properties)
                .setRaftGroup(group)
                .setClientRpc(
                        new GrpcFactory(GroupTls.parametersOf(tls)).newRaftClientRpc(ClientId.randomId(), properties))
                .setRetryPolicy(policy.build())
                .build();
    }

    /**
     * Replicates one batch of ledger entries: returns once a Raft majority committed it and the leader applied it
     * (for durable member logs: after the leader's fsync).
     *
     * @return the log index of the batch's first entry
     * @throws IOException if the group could not commit it (no leader within the retry budget) or refused it
     */
    public long append(List<byte[]> entries) throws IOException {
        String reply = submit(ReplicationMessage.batch(entries));
        if (!reply.startsWith("appended ")) {
            throw new IOException("batch not applied: " + reply);
        }
        return LedgerStateMachine.firstIndexOf(reply);
    }

    /**
     * Replicates one batch without waiting: many batches may be in flight, and Raft commits them in submission
     * order per client.
     *
     * @return completes with the log index of the batch's first entry, or exceptionally
     */
    public CompletableFuture<Long> appendAsync(List<byte[]> entries) {
        return client.async()
                .send(Message.valueOf(ByteString.copyFrom(ReplicationMessage.batch(entries))))
                .thenApply(reply -> {
                    if (!reply.isSuccess()) {
                        throw new CompletionException(
                                new IOException("replication request failed", reply.getException()));
                    }
                    String text = reply.getMessage().getContent().toString(StandardCharsets.UTF_8);
                    if (!text.startsWith("appended ")) {
                        throw new CompletionException(new IOException("batch not applied: " + text));
                    }
                    return LedgerStateMachine.firstIndexOf(text);
                });
    }

    /** Submits a raw replication message and returns the state machine's reply text. */
    String submit(byte[] message) throws IOException {
        RaftClientReply reply = client.io().send(Message.valueOf(ByteString.copyFrom(message)));
        if (!reply.isSuccess()) {
            throw new IOException("replication request failed", reply.getException());
        }
        return reply.getMessage().getContent().toString(StandardCharsets.UTF_8);
    }

    /**
     * Asks the group to hand leadership to {@code memberId} (Raft leadership transfer).
     *
     * @throws IOException if the transfer did not happen within {@code timeout}
     */
    public void transferLeadership(String memberId, Duration timeout) throws IOException {
        RaftClientReply reply = client.admin().transferLeadership(RaftPeerId.valueOf(memberId), timeout.toMillis());
        if (!reply.isSuccess()) {
            throw new IOException("leadership not transferred to " + memberId, reply.getException());
        }
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
