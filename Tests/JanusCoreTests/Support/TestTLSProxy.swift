import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// nginx (from Debian, installed by `make setup-test`) on 127.0.0.1 with a self-signed
/// certificate, HTTPS with HTTP/2, in front of a `TestChatServer`. Its access log names the
/// connection and protocol of every request, so tests can count the client's connections.
final class TestTLSProxy: Sendable {
    struct StartError: Error, CustomStringConvertible {
        var description: String
    }

    let port: Int
    let directory: URL
    /// The server's certificate, which is also the CA to trust (it signs itself).
    let certificate: URL
    /// Another self-signed certificate, which did not sign the server's.
    let wrongCertificate: URL
    private let process: Process
    private let input: Pipe

    var baseURL: String { "https://127.0.0.1:\(port)/v1" }

    static func nginxPath() -> String? {
        ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Starts nginx in front of `upstream`. Throws when nginx or openssl is missing.
    static func start(upstream: TestChatServer) async throws -> TestTLSProxy {
        guard let nginx = nginxPath() else {
            throw StartError(description: "nginx is not installed: run `make setup-test` (it installs TEST_APT_PACKAGES)")
        }
        let dir = try TestPaths.temporaryDirectory()
        let cert = dir.appendingPathComponent("server.pem")
        let key = dir.appendingPathComponent("server.key")
        let wrong = dir.appendingPathComponent("other-ca.pem")
        try makeCertificate(cert: cert, key: key, in: dir)
        try makeCertificate(cert: wrong, key: dir.appendingPathComponent("other-ca.key"), in: dir)
        var lastError = ""
        for _ in 0..<5 {
            let port = try freePort()
            try config(port: port, upstream: upstream.port, directory: dir).write(
                to: dir.appendingPathComponent("nginx.conf"), atomically: true, encoding: .utf8)
            // The shell stops nginx when this process closes its stdin (or dies), so no test
            // leaves an nginx behind. SIGKILL: nginx inherits this process's blocked SIGTERM and,
            // without a master process, never unblocks it.
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = [
                "-c", "\"$0\" -p \"$1/\" -c \"$1/nginx.conf\" -e \"$1/error.log\" & pid=$!; cat >/dev/null; kill -9 $pid; wait $pid 2>/dev/null", nginx, dir.path,
            ]
            let input = Pipe()
            process.standardInput = input
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            for _ in 0..<100 {
                if try await ready(port: port) {
                    return TestTLSProxy(port: port, directory: dir, certificate: cert, wrongCertificate: wrong, process: process, input: input)
                }
                if !process.isRunning { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
            lastError = (try? String(contentsOf: dir.appendingPathComponent("error.log"), encoding: .utf8)) ?? ""
        }
        throw StartError(description: "nginx did not start: \(lastError)")
    }

    private init(port: Int, directory: URL, certificate: URL, wrongCertificate: URL, process: Process, input: Pipe) {
        self.port = port
        self.directory = directory
        self.certificate = certificate
        self.wrongCertificate = wrongCertificate
        self.process = process
        self.input = input
    }

    deinit {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.waitUntilExit() }
    }

    /// Every request in the access log so far: (connection serial number, protocol, status).
    func requests() throws -> [(connection: Int, proto: String, status: Int)] {
        let text = try String(contentsOf: directory.appendingPathComponent("access.log"), encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 3, let connection = Int(parts[0]), let status = Int(parts[2]) else { return nil }
            return (connection, String(parts[1]), status)
        }
    }

    private static func ready(port: Int) async throws -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopback(port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return result == 0
    }

    /// A port nothing listens on now (the kernel's pick for a socket bound to port 0).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw StartError(description: "socket() failed") }
        defer { close(fd) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw StartError(description: "bind() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }

    /// A self-signed P-256 certificate for 127.0.0.1 (subjectAltName IP), valid for two days.
    private static func makeCertificate(cert: URL, key: URL, in directory: URL) throws {
        let result = try runProgram(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key.path, "-out", cert.path,
            ], in: directory)
        guard result.status == 0 else { throw StartError(description: "openssl failed: \(result.stderr)") }
    }

    private static func config(port: Int, upstream: Int, directory: URL) -> String {
        let d = directory.path
        return """
            worker_processes 1;
            daemon off;
            master_process off;
            pid \(d)/nginx.pid;
            worker_rlimit_nofile 16384;
            events { worker_connections 8192; }
            http {
                log_format conn '$connection $server_protocol $status';
                access_log \(d)/access.log conn;
                client_body_temp_path \(d)/body;
                proxy_temp_path \(d)/proxy;
                fastcgi_temp_path \(d)/fastcgi;
                uwsgi_temp_path \(d)/uwsgi;
                scgi_temp_path \(d)/scgi;
                upstream chat {
                    server 127.0.0.1:\(upstream);
                    keepalive 1024;
                }
                server {
                    listen 127.0.0.1:\(port) ssl http2;
                    ssl_certificate \(d)/server.pem;
                    ssl_certificate_key \(d)/server.key;
                    keepalive_requests 1000000;
                    http2_max_concurrent_streams 1024;
                    location / {
                        proxy_pass http://chat;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_buffering off;
                        proxy_read_timeout 60s;
                    }
                }
            }
            """
    }
}
