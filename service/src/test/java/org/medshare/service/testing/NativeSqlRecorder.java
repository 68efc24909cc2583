package org.medshare.service.testing;

import io.quarkus.hibernate.orm.PersistenceUnitExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.hibernate.resource.jdbc.spi.StatementInspector;

/**
 * Records, for every native SQL statement Hibernate prepares in a test run, the service methods on the stack
 * ({@code Class#method}); {@link #declaredSites()} lists the methods of the service's sources that create a native
 * query. A test on PostgreSQL compares the two, so a native statement added to a method that no PostgreSQL test runs
 * fails it. (A helper that receives its SQL from several callers counts once.)
 */
@PersistenceUnitExtension
public class NativeSqlRecorder implements StatementInspector {
    private static final Set<String> SEEN = ConcurrentHashMap.newKeySet();
    private static final String NATIVE_QUERY = "org.hibernate.query.sql.internal.NativeQueryImpl";
    private static final Pattern METHOD = Pattern.compile("^    [A-Za-z<][^=;(]* (\\w+)\\(");
    private static final Pattern LAMBDA = Pattern.compile("lambda\\$(\\w+)\\$\\d+");

    @Override
    public String inspect(String sql) {
        StackWalker.getInstance().walk(frames -> {
            List<StackWalker.StackFrame> all = frames.toList();
            boolean nativeQuery = all.stream().anyMatch(f -> f.getClassName().startsWith(NATIVE_QUERY));
            if (nativeQuery) {
                for (StackWalker.StackFrame f : all) {
                    if (f.getClassName().startsWith("org.medshare.service.")
                            && !f.getClassName().startsWith("org.medshare.service.testing.")) {
                        Matcher lambda = LAMBDA.matcher(f.getMethodName());
                        String method = lambda.matches() ? lambda.group(1) : f.getMethodName();
                        SEEN.add(f.getClassName().replaceAll("\\$.*", "") + "#" + method);
                    }
                }
            }
            return null;
        });
        return sql;
    }

    /** The service methods that were on the stack of a native statement since the application started. */
    public static Set<String> seenSites() {
        return new TreeSet<>(SEEN);
    }

    /** Every service method whose source calls {@code createNativeQuery}, as {@code Class#method}. */
    public static Set<String> declaredSites() {
        Path sources = Path.of("src/main/java");
        Set<String> sites = new TreeSet<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(file);
                String className =
                        sources.relativize(file).toString().replace('/', '.').replaceAll("\\.java$", "");
                String method = null;
                for (String line : lines) {
                    Matcher m = METHOD.matcher(line);
                    if (m.find()) {
                        method = m.group(1);
                    }
                    if (line.contains("createNativeQuery(")) {
                        sites.add(className + "#" + method);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sites;
    }
}
