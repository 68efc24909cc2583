package org.medshare.enclave;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The enclave's code set: the bytes of every class that belongs to the enclave, keyed by binary
 * class-file name ({@code org/medshare/enclave/Foo.class}), in canonical (sorted) order.
 *
 * <p>Membership: every {@code .class} file under one of {@link #ENCLAVE_PREFIXES} found in the
 * given code locations (class directories or jars), except those under {@link
 * #HOST_ONLY_PREFIXES} (the untrusted host side never runs inside the enclave). Third-party
 * libraries (BouncyCastle, Commons Math, the JDK) are treated as part of the platform and are not
 * measured; this is a documented simplification of the simulation.
 *
 * <p>Code hash (the code part of MRENCLAVE): SHA-256 over the domain label {@code
 * medshare.enclave.code.v1}, the number of classes, then for each class in sorted name order its
 * length-prefixed UTF-8 name and length-prefixed bytes. Any change to any byte of any member
 * class, or adding/removing a member class, changes the hash.
 */
public final class CodeSet {
    /** Packages whose classes form the enclave (our enclave module and the ABE library it runs). */
    public static final List<String> ENCLAVE_PREFIXES = List.of("org/medshare/enclave/", "org/medshare/abe/");

    /** Packages that are part of the enclave module but run on the untrusted host. */
    public static final List<String> HOST_ONLY_PREFIXES = List.of("org/medshare/enclave/host/");

    private static final String DOMAIN = "medshare.enclave.code.v1";

    private final Map<String, byte[]> classes;
    private final List<Path> locations;

    private CodeSet(Map<String, byte[]> classes, List<Path> locations) {
        this.classes = Collections.unmodifiableMap(classes);
        this.locations = List.copyOf(locations);
    }

    /**
     * Measures the code set this JVM actually runs: the code locations of the enclave module and of
     * the ABE library, as resolved by the class loader.
     */
    public static CodeSet ofRunningEnclave() {
        return scan(runningLocations(locationOf(CodeSet.class)));
    }

    /**
     * The code locations the running enclave is measured from, with {@code enclaveModule} standing
     * for the enclave module's own location (to measure a modified copy of it).
     */
    public static List<Path> runningLocations(Path enclaveModule) {
        List<Path> locations = new ArrayList<>();
        locations.add(enclaveModule);
        Path abe = abeLocation();
        if (abe != null && !locations.contains(abe)) {
            locations.add(abe);
        }
        return locations;
    }

    private static Path abeLocation() {
        try {
            Class<?> c = Class.forName("org.medshare.abe.Policy", false, CodeSet.class.getClassLoader());
            return locationOf(c);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    /** The class directory or jar a class was loaded from. */
    public static Path locationOf(Class<?> c) {
        CodeSource cs = c.getProtectionDomain().getCodeSource();
        if (cs == null) {
            throw new IllegalStateException("no code source for " + c.getName());
        }
        try {
            return Path.of(cs.getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("bad code source URI for " + c.getName(), e);
        }
    }

    /**
     * Scans class directories and jars. A class name found in more than one location is taken from
     * the first one, as a class loader would.
     *
     * @throws UncheckedIOException if a location cannot be read
     */
    public static CodeSet scan(List<Path> locations) {
        Map<String, byte[]> found = new TreeMap<>();
        for (Path loc : locations) {
            try {
                if (Files.isDirectory(loc)) {
                    scanDirectory(loc, found);
                } else {
                    scanJar(loc, found);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read code location " + loc, e);
            }
        }
        return new CodeSet(
                found,
                locations.stream().map(p -> p.toAbsolutePath().normalize()).toList());
    }

    private static void scanDirectory(Path root, Map<String, byte[]> found) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        for (Path f : files) {
            String name =
                    root.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
            if (isMember(name) && !found.containsKey(name)) {
                found.put(name, Files.readAllBytes(f));
            }
        }
    }

    private static void scanJar(Path jar, Map<String, byte[]> found) throws IOException {
        try (JarFile jf = new JarFile(jar.toFile())) {
            Enumeration<JarEntry> entries = jf.entries();
            while (entries.hasMoreElements()) {
                JarEntry e = entries.nextElement();
                if (!e.isDirectory() && isMember(e.getName()) && !found.containsKey(e.getName())) {
                    try (InputStream in = jf.getInputStream(e)) {
                        found.put(e.getName(), in.readAllBytes());
                    }
                }
            }
        }
    }

    static boolean isMember(String name) {
        if (!name.endsWith(".class")) {
            return false;
        }
        for (String host : HOST_ONLY_PREFIXES) {
            if (name.startsWith(host)) {
                return false;
            }
        }
        for (String p : ENCLAVE_PREFIXES) {
            if (name.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** The class directories and jars this set was measured from (absolute, normalised). */
    public List<Path> locations() {
        return locations;
    }

    /**
     * True if {@code c} was loaded from one of the measured locations and its class file is a
     * member, i.e. the code that runs is the code that was measured.
     */
    public boolean covers(Class<?> c) {
        Path loc;
        try {
            loc = locationOf(c).toAbsolutePath().normalize();
        } catch (IllegalStateException e) {
            return false;
        }
        return locations.contains(loc) && classes.containsKey(c.getName().replace('.', '/') + ".class");
    }

    /** Sorted class-file names of the members. */
    public List<String> classNames() {
        return List.copyOf(classes.keySet());
    }

    public int size() {
        return classes.size();
    }

    /** SHA-256 code hash as defined in the class comment (32 bytes). */
    public byte[] codeHash() {
        MessageDigest md = Sha256.newDigest();
        md.update(new WireWriter().utf8(DOMAIN).i32(classes.size()).toByteArray());
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
            md.update(new WireWriter().utf8(e.getKey()).i32(e.getValue().length).toByteArray());
            md.update(e.getValue());
        }
        return md.digest();
    }
}
