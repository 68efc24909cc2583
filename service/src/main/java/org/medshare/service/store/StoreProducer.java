package org.medshare.service.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.medshare.service.config.MedshareConfig;
import org.medshare.store.DirectoryCatalog;
import org.medshare.store.ShardStore;
import org.medshare.store.StorageNode;
import org.medshare.store.backend.LocalDirectoryBackend;

/**
 * The embedded default's shard store: {@code medshare.store.nodes} local directories under
 * {@code data-dir/store/node-N}, each standing in for one storage node in its own failure domain,
 * and the manifest catalog under {@code data-dir/store/catalog}.
 */
@ApplicationScoped
public class StoreProducer {

    @Produces
    @Singleton
    ShardStore shardStore(MedshareConfig config) {
        MedshareConfig.Store store = config.store();
        if (store.nodes() < store.n()) {
            throw new IllegalStateException("medshare.store.nodes must be at least medshare.store.n");
        }
        Path base = config.dataDir().resolve("store");
        try {
            List<StorageNode> nodes = new ArrayList<>();
            for (int i = 0; i < store.nodes(); i++) {
                String id = "node-" + i;
                nodes.add(new StorageNode(id, id, new LocalDirectoryBackend(base.resolve(id))));
            }
            return ShardStore.builder()
                    .nodes(nodes)
                    .catalog(new DirectoryCatalog(base.resolve("catalog")))
                    .coding(store.k(), store.n())
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the shard store", e);
        }
    }

    void close(@Disposes ShardStore store) {
        store.close();
    }
}
