package org.flowmond.daemon.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code flowmon.outputs.*}: local outputs besides IPFIX over UDP.
 *
 * @param tableFile {@code table-file} (-f): seed tables written at shutdown; empty = stdout when in the foreground
 * @param jsonFile  {@code json-file} (--json): JSON lines with nProbe field names
 * @param ipfixFile {@code ipfix-file}: RFC 5655 IPFIX file of the exported messages
 */
public record OutputSettings(Optional<Path> tableFile, Optional<Path> jsonFile, Optional<Path> ipfixFile) {
}
