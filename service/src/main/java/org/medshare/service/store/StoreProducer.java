package org.medshare.service.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.medshare.service.config.MedshareConfig;
import org.medshare.store.DirectoryCatalog;
import org.medshare.store.ShardStore;

/**
 * The shard store over the nodes {@code medshare.store.nodes} describes ({@link ConfiguredNodes}), with the
 * manifest catalog under {@code data-dir/store/catalog}, and its {@link StoreTopology}.
 *
 * <p>No organisation may hold more than {@link #maxShardsPerOrganisation} shards of a stripe: losing a whole
 * organisation loses nothing, and no organisation (nor the operator, who runs none of the nodes in production)
 * holds the k shards that rebuild a record's ciphertext. Start fails with a message that says why when the
 * nodes' organisations cannot keep that rule.
 */
@ApplicationScoped
public class StoreProducer {

    /** {@code min(n - k, k - 1)}, at least 1: the most shards of one stripe that one organisation may hold. */
    public static int maxShardsPerOrganisation(int k, int n) {
        return Math.max(1, Math.min(n - k, k - 1));
    }

    @Produces
    @Singleton
    StoreTopology topology(MedshareConfig config) {
        try {
            return new StoreTopology(ConfiguredNodes.build(config, System::getenv));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up the storage nodes", e);
        }
    }

    @Produces
    @Singleton
    ShardStore shardStore(MedshareConfig config, StoreTopology topology) {
        return open(config, topology);
    }

    /**
     * @throws IllegalStateException if the organisations of the nodes cannot keep the placement rule
     */
    static ShardStore open(MedshareConfig config, StoreTopology topology) {
        MedshareConfig.Store store = config.store();
        int cap = maxShardsPerOrganisation(store.k(), store.n());
        try {
            return ShardStore.builder()
                    .nodes(topology.storageNodes())
                    .catalog(new DirectoryCatalog(
                            config.dataDir().resolve("store").resolve("catalog")))
                    .coding(store.k(), store.n())
                    .maxShardsPerDomain(cap)
                    // the service deletes records only to erase them: their shards go at the next collection
                    .tombstoneGrace(Duration.ZERO)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(
                    "medshare.store.nodes cannot keep at most " + cap + " shards of a stripe at one organisation, "
                            + "so one organisation could rebuild records or its loss could lose them: "
                            + e.getMessage(),
                    e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the shard store", e);
        }
    }

    void close(@Disposes ShardStore store) {
        store.close();
    }

    void close(@Disposes StoreTopology topology) {
        topology.close();
    }
}
