// ClickHouse's HTTP interface, through Foundation's URLSession: one POST per statement, the
// SQL in the body, a query id per request (so Ctrl-C can KILL it), credentials in headers
// (never in the URL, never in a message), the server's own message on an error.

import EVQSyntax
import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

public final class ClickHouseClient: @unchecked Sendable {
    public let url: URL
    let user: String?
    let password: String?
    /// How long a request may take before evq gives up on it (and kills it on the server).
    public var timeoutSeconds: Double = 300

    /// `url` is the server's HTTP endpoint (http://localhost:8123); it must not carry a user
    /// or password (they would be printed with it).
    public init(url: String, user: String? = nil, password: String? = nil) throws(Diagnostic) {
        guard let u = URL(string: url), let scheme = u.scheme, ["http", "https"].contains(scheme), u.host != nil else {
            throw Diagnostic("--url needs an http:// or https:// address such as http://localhost:8123, found '\(Self.redacted(url))'", at: .none)
        }
        guard u.user == nil, u.password == nil else {
            throw Diagnostic("--url must not hold a user or password", at: .none, hint: "use --user and --password-file")
        }
        self.url = u
        self.user = user
        self.password = password
    }

    /// The address with any `user:password@` cut out, for messages.
    static func redacted(_ text: String) -> String {
        guard let at = text.firstIndex(of: "@"), let scheme = text.range(of: "://"), scheme.upperBound < at else { return text }
        return String(text[..<scheme.upperBound]) + "…" + String(text[at...])
    }

    /// Runs `sql` and returns the body of the answer. Polls `isCancelled` while waiting; when
    /// it says stop, the query is killed on the server and `.cancelled` is thrown.
    public func send(_ sql: String, queryID: String = UUID().uuidString, data: Data? = nil,
                     isCancelled: @escaping @Sendable () -> Bool = { false }) throws(ClickHouseError) -> Data
    {
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false)!
        var query = components.queryItems ?? []
        query.append(URLQueryItem(name: "query_id", value: queryID))
        var body = Data(sql.utf8)
        if let data {
            // An INSERT: the statement goes in the URL, the rows in the body.
            query.append(URLQueryItem(name: "query", value: sql))
            body = data
        }
        components.queryItems = query
        var request = URLRequest(url: components.url!, timeoutInterval: timeoutSeconds)
        request.httpMethod = "POST"
        request.httpBody = body
        if let user { request.setValue(user, forHTTPHeaderField: "X-ClickHouse-User") }
        if let password { request.setValue(password, forHTTPHeaderField: "X-ClickHouse-Key") }

        let box = ResponseBox()
        let task = URLSession.shared.dataTask(with: request) { data, response, error in
            box.finish(data, response as? HTTPURLResponse, error)
        }
        task.resume()
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while !box.wait(milliseconds: 20) {
            let timedOut = Date() > deadline
            if isCancelled() || timedOut {
                task.cancel()
                kill(queryID)
                throw timedOut ? .timeout(timeoutSeconds) : .cancelled
            }
        }
        let (data, response, error) = box.result
        if let error {
            if (error as NSError).code == NSURLErrorTimedOut { kill(queryID); throw .timeout(timeoutSeconds) }
            throw .unreachable("cannot reach the ClickHouse server at \(url.absoluteString): \(error.localizedDescription)")
        }
        let text = data ?? Data()
        guard let response, response.statusCode == 200 else {
            let message = String(decoding: text.prefix(4000), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw .server(status: response?.statusCode ?? 0, message: message.isEmpty ? "no message" : message)
        }
        return text
    }

    /// Asks the server to stop a query (best effort: it may have ended already).
    func kill(_ queryID: String) {
        _ = try? send("KILL QUERY WHERE query_id = \(SQLQuote.string(queryID)) ASYNC", queryID: UUID().uuidString)
    }
}

public enum ClickHouseError: Error, Sendable, Equatable {
    case cancelled
    case timeout(Double)
    case unreachable(String)
    case server(status: Int, message: String)

    public var message: String {
        switch self {
        case .cancelled: "Interrupted"
        case .timeout(let s): "the ClickHouse server did not answer within \(Int(s)) s; the query was killed there"
        case .unreachable(let m): m
        case .server(_, let m): "ClickHouse: " + m
        }
    }
}

/// The answer of one request, handed from URLSession's thread to the waiting one.
private final class ResponseBox: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var value: (Data?, HTTPURLResponse?, Error?) = (nil, nil, nil)

    func finish(_ data: Data?, _ response: HTTPURLResponse?, _ error: Error?) {
        lock.lock()
        value = (data, response, error)
        lock.unlock()
        done.signal()
    }

    func wait(milliseconds: Int) -> Bool { done.wait(timeout: .now() + .milliseconds(milliseconds)) == .success }

    var result: (Data?, HTTPURLResponse?, Error?) {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}
