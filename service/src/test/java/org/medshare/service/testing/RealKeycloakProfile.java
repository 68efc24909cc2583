package org.medshare.service.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Verifies bearer tokens against the real Keycloak started by {@code scripts/keycloak.sh start}. */
public class RealKeycloakProfile implements QuarkusTestProfile {

    public static final String REALM_URL =
            System.getProperty("medshare.test.keycloak-url", "http://127.0.0.1:18080") + "/realms/medshare";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.oidc.auth-server-url", REALM_URL, "quarkus.oidc.connection-delay", "10S");
    }
}
