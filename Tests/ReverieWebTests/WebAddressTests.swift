import XCTest
@testable import ReverieWeb

final class WebAddressTests: XCTestCase {
    func testParsesPortAloneOrWithAHost() throws {
        XCTAssertEqual(try WebAddress("8080"), WebAddress(host: "127.0.0.1", port: 8080))
        XCTAssertTrue(try WebAddress("8080").isLoopback)
        XCTAssertEqual(try WebAddress("0.0.0.0:9000"), WebAddress(host: "0.0.0.0", port: 9000))
        XCTAssertFalse(try WebAddress("0.0.0.0:9000").isLoopback)
        XCTAssertEqual(try WebAddress("[::1]:0"), WebAddress(host: "::1", port: 0))
        XCTAssertEqual(try WebAddress("[::1]:0").description, "[::1]:0")
        XCTAssertTrue(try WebAddress("localhost:1").isLoopback)
    }

    func testRejectsMalformedAddressesWithTheReason() {
        for (text, reason) in [("x", "port 'x'"), ("70000", "0...65535"), (":80", "empty host"), ("host:", "port ''"),
                               ("a b:80", "characters"), ("::1:80", "brackets"), ("[::1]80", "no ':PORT'"), ("[::1:80", "without ']'")] {
            XCTAssertThrowsError(try WebAddress(text), text) { e in
                XCTAssertTrue("\(e)".contains(reason), "\(text): \(e)")
                XCTAssertTrue("\(e)".contains("--web '\(text)'"), "\(e)")
            }
        }
    }
}
