package org.medshare.client.upload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.medshare.client.CliFailure;

/**
 * The bundle files named on the command line: files as given; folders walked for {@code *.json} and {@code *.xml}
 * (FHIR's two formats), every other visible file of a folder named as {@link #ignored}. Sorted, distinct.
 *
 * @param files   the files to upload
 * @param ignored files found in folders that are not uploaded (not {@code *.json} or {@code *.xml})
 */
record BundleFiles(List<Path> files, List<Path> ignored) {

    /**
     * @throws CliFailure usage error if a path does not exist or no bundle file is found
     */
    static BundleFiles collect(List<Path> paths) {
        TreeSet<Path> files = new TreeSet<>();
        TreeSet<Path> ignored = new TreeSet<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(Files::isRegularFile)
                            .filter(f -> !f.getFileName().toString().startsWith("."))
                            .forEach(f -> {
                                String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
                                (name.endsWith(".json") || name.endsWith(".xml") ? files : ignored)
                                        .add(f.toAbsolutePath().normalize());
                            });
                } catch (IOException e) {
                    throw CliFailure.usage("cannot read folder " + p + ": " + e.getMessage());
                }
            } else if (Files.isRegularFile(p)) {
                files.add(p.toAbsolutePath().normalize());
            } else {
                throw CliFailure.usage("no such file or folder: " + p);
            }
        }
        if (files.isEmpty()) {
            throw CliFailure.usage("no *.json or *.xml bundle files found in " + paths);
        }
        return new BundleFiles(new ArrayList<>(files), new ArrayList<>(ignored));
    }
}
