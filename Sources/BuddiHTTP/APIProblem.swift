import BuddiAPI
import BuddiPipeline
import Hummingbird
import JobQueue
import PostgresNIO
import PostgresResilience

/// An error as the API answers it: a status and `{"error": kind, "message": text}`.
struct APIProblem: Error, HTTPResponseError {
    let status: HTTPResponse.Status
    let kind: String
    let message: String
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ kind: String, _ message: String) {
        self.status = status
        self.kind = kind
        self.message = message
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: JSONValue.object(["error": .string(kind), "message": .string(message)]).jsonText)))
    }

    /// The answer to an error a handler threw: the domain's errors map to their statuses;
    /// anything else is a 500 whose message is one line (never a secret: none reaches here).
    static func from(_ error: any Error) -> APIProblem {
        switch error {
        case let problem as APIProblem:
            return problem
        case let error as SchedulerError:
            switch error {
            case .outOfBounds, .badEnvironment: return APIProblem(.unprocessableContent, "invalid_parameter", error.description)
            case .fetchInProgress: return APIProblem(.conflict, "fetch_in_progress", error.description)
            case .rateLimited(_, let nextAllowed):
                var problem = APIProblem(.tooManyRequests, "rate_limited", error.description)
                problem.headers[.retryAfter] = "\(max(1, Int(nextAllowed.timeIntervalSinceNow.rounded(.up))))"
                return problem
            }
        case let error as FetchWindowError:
            return APIProblem(.unprocessableContent, "invalid_parameter", error.description)
        case let error as ControlError:
            switch error {
            case .invalidParameter: return APIProblem(.unprocessableContent, "invalid_parameter", error.description)
            case .notFound: return APIProblem(.notFound, "not_found", error.description)
            }
        case let error as JobQueueError:
            switch error {
            case .jobNotFound: return APIProblem(.notFound, "not_found", error.description)
            case .invalidState: return APIProblem(.conflict, "invalid_state", error.description)
            default: return APIProblem(.internalServerError, "internal", ErrorSummary.oneLine(error))
            }
        case let error as PSQLError where error.serverInfo?[.sqlState] == "57014":
            return APIProblem(
                .serviceUnavailable, "database_timeout",
                "the query ran past the statement timeout (BUDDI_STATEMENT_TIMEOUT_SECONDS); narrow the request or try again")
        case _ where DatabaseInterruption.isInterruption(error):
            return APIProblem(.serviceUnavailable, "database_unavailable", "the database does not answer: \(ErrorSummary.oneLine(error))")
        default:
            return APIProblem(.internalServerError, "internal", ErrorSummary.oneLine(error))
        }
    }
}

/// Turns whatever a handler throws into an ``APIProblem`` response and logs server errors.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            throw APIProblem(.notFound, "not_found", "no route \(request.method) \(request.uri.path)")
        } catch {
            let problem = APIProblem.from(error)
            if problem.status == .internalServerError {
                context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(problem.message)"])
            }
            throw problem
        }
    }
}
