package org.medshare.service.queries.service;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.medshare.service.config.MedshareConfig;
import org.medshare.service.queries.QueryPurposes;

/** The configured {@link QueryPurposes}, built at start so that an unknown PurposeOfUse code stops the service. */
final class QueryPurposesProducer {

    QueryPurposesProducer() {}

    @Produces
    @Singleton
    @Startup
    static QueryPurposes queryPurposes(MedshareConfig config) {
        return QueryPurposes.of(config.queries());
    }
}
