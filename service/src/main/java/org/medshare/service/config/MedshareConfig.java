package org.medshare.service.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The service's own configuration, under {@code medshare.*}. */
@ConfigMapping(prefix = "medshare")
public interface MedshareConfig {

    /** Where the embedded default keeps its database, shards, ledger, keys and logs. */
    @WithName("data-dir")
    Path dataDir();

    Store store();

    Ledger ledger();

    Records records();

    Enclave enclave();

    Privacy privacy();

    Payments payments();

    Console console();

    Anchor anchor();

    /**
     * Anchoring of the ledger's final checkpoints on an external EVM chain (a {@code CheckpointAnchor}
     * contract, through web3j). Off unless {@link #rpcUrl()} is set.
     */
    interface Anchor {
        /** JSON-RPC URL (http or https) of a node of the chain; anchoring is off without it. */
        @WithName("rpc-url")
        Optional<URI> rpcUrl();

        /**
         * The {@code CheckpointAnchor} contract's address. Without it the service deploys one (with its own
         * account as the anchoring account) on first use and keeps the address in
         * {@code data-dir/anchor/contract}.
         */
        Optional<String> contract();

        /**
         * The anchoring account's key file: its secp256k1 private key as 64 hex digits, readable by the
         * service only; the account pays for the transactions. Default {@code data-dir/anchor/anchor.key}.
         */
        @WithName("key-file")
        Optional<Path> keyFile();

        /** Anchor once the latest checkpoint covers this many new entries (ANCHORED entries not counted). */
        @WithName("every-entries")
        @WithDefault("1000")
        long everyEntries();

        /** Anchor new entries, however few, once this long has passed since the last anchor. */
        @WithDefault("PT10M")
        Duration every();

        /** How often the service looks at the latest checkpoint. */
        @WithName("poll-interval")
        @WithDefault("PT5S")
        Duration pollInterval();

        /** First wait after a failure to reach the chain; doubled after each further failure. */
        @WithName("retry-initial")
        @WithDefault("PT2S")
        Duration retryInitial();

        /** Longest wait between two attempts while the chain is unreachable. */
        @WithName("retry-max")
        @WithDefault("PT2M")
        Duration retryMax();

        /** Bound on one request to the chain and on the wait for a transaction's receipt. */
        @WithName("rpc-timeout")
        @WithDefault("PT30S")
        Duration rpcTimeout();
    }

    /** The web console served under {@code /console/}. */
    interface Console {
        /** The public OIDC client (authorization code + PKCE) the console logs in with. */
        @WithName("client-id")
        @WithDefault("medshare-console")
        String clientId();
    }

    /** Erasure-coded shard store over local node directories (the embedded default). */
    interface Store {
        /** Number of storage node directories; at least {@link #n()}. */
        @WithDefault("6")
        int nodes();

        /** Data shards per stripe. */
        @WithDefault("4")
        int k();

        /** Total shards per stripe (data + parity). */
        @WithDefault("6")
        int n();

        /** Time between two scrub passes (re-hash every shard, repair what is damaged); zero disables them. */
        @WithName("scrub-interval")
        @WithDefault("PT6H")
        Duration scrubInterval();

        /** Time from start to the first scrub pass. */
        @WithName("scrub-initial-delay")
        @WithDefault("PT10M")
        Duration scrubInitialDelay();
    }

    /** The embedded audit ledger (one member). */
    interface Ledger {
        /** {@code nist} (SHA-256, Ed25519) or {@code gm} (SM3, SM2). */
        @WithDefault("nist")
        String suite();

        /** The checkpoint origin line. */
        @WithDefault("medshare.example/ledger")
        String origin();

        /**
         * A checkpoint is signed after at most this many milliseconds with unsigned events. Every upload waits
         * for the checkpoint that covers it (its receipt proves inclusion against it), so this bounds upload
         * latency; one signature covers all events of the interval.
         */
        @WithName("checkpoint-interval-ms")
        @WithDefault("50")
        long checkpointIntervalMs();
    }

    /** Limits and rules for uploaded records. */
    interface Records {
        /** Largest accepted record envelope, in bytes. */
        @WithName("max-envelope-bytes")
        @WithDefault("16777216")
        long maxEnvelopeBytes();

        /** Largest accepted encrypted analytics rows, in bytes. */
        @WithName("max-rows-bytes")
        @WithDefault("16777216")
        long maxRowsBytes();

        /**
         * The current attribute epoch: {@code dept:} and {@code purpose:} attributes in new policies must carry it,
         * so that raising it retires keys issued for an earlier epoch from every later record.
         */
        @WithName("current-epoch")
        @WithDefault("2026Q4")
        String currentEpoch();

        /**
         * The symmetric suite of the records' analytics rows as the enclaves open them: {@code nist} (AES-256-GCM) or
         * {@code gm} (SM4-GCM).
         */
        @WithDefault("nist")
        String suite();
    }

    /** Differential privacy of the insurers' queries. */
    interface Privacy {
        /** The total ε each insurer may spend over all its queries. */
        @WithName("budget-per-insurer")
        @WithDefault("10.0")
        double budgetPerInsurer();
    }

    /** The incentive contract's prices. */
    interface Payments {
        /** What an insurer pays per record a query used, in the contract's smallest unit. */
        @WithName("price-per-record")
        @WithDefault("2500000")
        long pricePerRecord();
    }

    /** The simulated enclaves. */
    interface Enclave {
        /** Start them with the service, so that {@code data-dir/enclave/authority.trust} exists from the start. */
        @WithName("start-at-boot")
        @WithDefault("true")
        boolean startAtBoot();
    }
}
