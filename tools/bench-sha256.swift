// Throughput benchmark for SHA-256 and HMAC-SHA256, compiled by tools/bench-sha256.sh together
// with Sources/Crypto in one optimised module (so no `import Crypto`).
import Glibc

@main
struct BenchSHA256 {
    /// Thread CPU time rather than wall time: the build machine is shared, and time spent
    /// descheduled says nothing about the code.
    static func seconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }

    static func main() {
        let arguments = CommandLine.arguments
        let megabytes = arguments.count > 1 ? Int(arguments[1]) ?? 64 : 64
        let runs = arguments.count > 2 ? Int(arguments[2]) ?? 5 : 5
        let data = (0..<(megabytes << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }

        var sink: UInt8 = 0
        let paths: [(String, () -> SHA256)] =
            (SHA256.hardwareAccelerated ? [("SHA extensions", { SHA256() })] : []) + [("portable", { SHA256(portable: ()) })]
        for (name, hasher) in paths {
            var bulk = [Double]()
            for _ in 0..<runs {
                let start = seconds()
                let digest = data.withUnsafeBytes { buffer -> [UInt8] in
                    var h = hasher()
                    h.update(buffer)
                    return h.finalize()
                }
                bulk.append(Double(megabytes) / (seconds() - start))
                sink ^= digest[0]
            }
            // Small messages, the ledger's typical case (an envelope of a few hundred bytes).
            let envelope = Array(data[0..<256])
            let count = 200_000
            var small = [Double]()
            for _ in 0..<runs {
                let start = seconds()
                for index in 0..<count {
                    var h = hasher()
                    h.update(envelope)
                    sink ^= h.finalize()[index & 31]
                }
                small.append(Double(count) / (seconds() - start))
            }
            print("sha256 (\(name)) bulk, CPU time, \(megabytes) MiB: median \(Int(median(bulk))) MB/s over \(runs) runs "
                  + "(min \(Int(bulk.min()!)), max \(Int(bulk.max()!)))")
            print("sha256 (\(name)) 256-byte messages: median \(Int(median(small))) hashes/s")
        }
        let envelope = Array(data[0..<256])
        let count = 200_000
        var macs = [Double]()
        for _ in 0..<runs {
            let start = seconds()
            for index in 0..<count {
                sink ^= HMACSHA256.authenticate(message: envelope[0..<64], key: envelope[64..<96])[index & 31]
            }
            macs.append(Double(count) / (seconds() - start))
        }
        print("hmac-sha256 64-byte messages: median \(Int(median(macs))) MACs/s")
        if sink == 42 { print("") }  // keeps the work observable to the optimiser
    }
}
