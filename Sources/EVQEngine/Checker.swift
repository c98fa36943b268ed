// Resolves names and types. Input: a parsed `Query` and the catalog's schemas; output: a
// `CheckedQuery` or a positioned diagnostic. It reads no data. Context-dependent literals are
// settled here: `date in 2024-10` becomes a time range, `in ["a", "b"]` a set of constants.

import EVQStore
import EVQSyntax

public struct Checker {
    public let catalog: Catalog

    public init(catalog: Catalog) {
        self.catalog = catalog
    }

    public func check(_ query: Query) throws(Diagnostic) -> CheckedQuery {
        if case .sequence(let clause) = query.stages.first?.kind, clause.isSource { return try checkStages(query, source: nil) }
        guard case .name(let name, _) = query.source.kind else {
            throw Diagnostic("a query starts with a table name", at: query.source.span,
                             hint: "tables: " + catalog.tableNames.joined(separator: ", "))
        }
        guard let table = catalog.tableRef(named: name) else {
            throw Diagnostic("unknown table '\(name)'", at: query.source.span,
                             hint: Suggest.hint(for: name, in: catalog.tableNames) ?? "tables: " + catalog.tableNames.joined(separator: ", "))
        }
        return try checkStages(query, source: table)
    }

    /// The stages of `query` over `source`; with no source the query starts with a sequence.
    private func checkStages(_ query: Query, source: TableRef?) throws(Diagnostic) -> CheckedQuery {
        var table = source
        var fields = source?.fields ?? []
        var stages: [CheckedStage] = []
        var chart: ChartKind? = nil
        var chartFile: ChartFile? = nil
        for (i, stage) in query.stages.enumerated() {
            let checked = try check(stage, input: fields, source: table)
            // The plan of a sequence that starts the query reads only its steps; the checked
            // query names the first step's source as its own.
            if table == nil, case .sequence(let s) = checked.kind, case .query(let q) = s.steps[0].input { table = q.source }
            if case .chart(let kind) = checked.kind {
                guard i == query.stages.count - 1 else {
                    throw Diagnostic("'chart' must be the last stage", at: stage.span, hint: "move it to the end of the query")
                }
                chart = kind
                if case .chart(_, let file?) = stage.kind { chartFile = try Self.checkChartFile(file) }
                continue
            }
            stages.append(checked)
            fields = checked.output
        }
        return CheckedQuery(source: table!, stages: stages, output: fields, chart: chart, span: query.span, chartFile: chartFile)
    }

    /// Checks a bare expression (`1 + 2`, the right side of `let n = 5`): it may read no column.
    public func checkScalar(_ expr: Expr) throws(Diagnostic) -> TypedExpr {
        var scope = Scope(fields: [], allowAggregates: false)
        return try check(expr, &scope)
    }

    /// `source`: the table the pipeline reads, whose time column a sequence's steps use.
    func check(_ stage: Stage, input: [Field], source: TableRef? = nil) throws(Diagnostic) -> CheckedStage {
        var scope = Scope(fields: input, allowAggregates: false)
        let kind: CheckedStage.Kind
        var output = input
        switch stage.kind {
        case .where(let e):
            let p = try check(e, &scope)
            guard p.type == .bool || p.type == .null else {
                throw Diagnostic("'where' needs a condition, found a value of type \(p.type.rawValue)", at: e.span,
                                 hint: "compare it, for example: \(scopeText(e)) > 0")
            }
            kind = .filter(p)
        case .project(let items):
            let named = try namedExprs(items, &scope)
            output = named.map { Field($0.name, $0.expr.type) }
            kind = .project(named)
        case .extend(let items):
            let named = try namedExprs(items, &scope, checkDuplicates: false)
            var projection: [(name: String, expr: TypedExpr)] = input.enumerated().map { i, f in
                // An empty span: a passed-through column has no text of its own (explain shows its name).
                (f.name, TypedExpr(.column(i), f.type, Span(stage.span.start, stage.span.start)))
            }
            for n in named {
                if let i = projection.firstIndex(where: { $0.name == n.name }) {
                    projection[i] = n
                } else {
                    projection.append(n)
                }
            }
            output = projection.map { Field($0.name, $0.expr.type) }
            kind = .project(projection)
        case .sort(let keys):
            kind = .sort(try keys.map { k throws(Diagnostic) in CheckedSortKey(expr: try check(k.expr, &scope), descending: k.descending) })
        case .take(let e):
            kind = .take(try count(e, &scope, stage: "take"))
        case .count:
            output = [Field("count", .int)]
            kind = .count
        case .summarize(let aggs, let by):
            let keys = try namedExprs(by, &scope)
            var aggScope = Scope(fields: input, allowAggregates: true)
            var outputs: [(name: String, expr: TypedExpr)] = []
            var names = Set(keys.map(\.name))
            for (i, item) in aggs.enumerated() {
                let before = aggScope.aggregates.count
                let e = try check(item.expr, &aggScope)
                guard aggScope.aggregates.count > before else {
                    throw Diagnostic("'summarize' needs an aggregate here, such as count() or sum(\(scopeText(item.expr)))", at: item.expr.span,
                                     hint: "group by it instead: summarize ... by \(scopeText(item.expr))")
                }
                let name = item.name?.name ?? derivedName(item.expr, index: i)
                guard names.insert(name).inserted else {
                    throw Diagnostic("duplicate column name '\(name)'", at: item.span, hint: "name it: other = \(scopeText(item.expr))")
                }
                outputs.append((name, e))
            }
            output = keys.map { Field($0.name, $0.expr.type) } + outputs.map { Field($0.name, $0.expr.type) }
            kind = .summarize(keys: keys, aggregates: aggScope.aggregates, outputs: outputs)
        case .top(let n, let keys):
            let count = try count(n, &scope, stage: "top")
            kind = .top(count, try keys.map { k throws(Diagnostic) in CheckedSortKey(expr: try check(k.expr, &scope), descending: k.descending) })
        case .distinct(let items):
            let named = try namedExprs(items, &scope)
            output = named.map { Field($0.name, $0.expr.type) }
            kind = .distinct(named)
        case .tail(let n):
            kind = .tail(try count(n, &scope, stage: "tail"))
        case .lookup(let tableName, let left, let right):
            (kind, output) = try lookup(tableName, left, right, input)
        case .chart(let name, _):
            kind = .chart(try chart(name, input))
        case .sequence(let clause):
            (kind, output) = try sequence(clause, input: input, source: source, span: stage.span)
        case .join(let clause):
            (kind, output) = try join(clause, input: input)
        }
        return CheckedStage(kind: kind, input: input, output: output, span: stage.span)
    }

    private func chart(_ name: Identifier, _ input: [Field]) throws(Diagnostic) -> ChartKind {
        guard let kind = ChartKind(rawValue: name.name) else {
            throw Diagnostic("unknown chart '\(name.name)'", at: name.span,
                             hint: Suggest.hint(for: name.name, in: ChartKind.allCases.map(\.rawValue)) ?? "charts: bars, timeline, map")
        }
        if kind == .map {
            guard CoordinateColumns.find(input.map { ($0.name, $0.type) }) != nil else {
                throw Diagnostic("'chart map' needs latitude and longitude fields (lat and lon, or latitude and longitude)", at: name.span,
                                 hint: "keep them: project location, lat, lon | chart map")
            }
            return kind
        }
        guard input.contains(where: { $0.type.isNumeric }) else {
            throw Diagnostic("'chart \(kind.rawValue)' needs a number column to draw", at: name.span,
                             hint: "summarize first, for example: summarize n = count() by country | chart bars")
        }
        if kind == .timeline, !input.contains(where: { $0.type == .time }) {
            throw Diagnostic("'chart timeline' needs a time column", at: name.span,
                             hint: "for example: summarize n = count() by week(date) | chart timeline")
        }
        return kind
    }

    /// `to "FILE"` names an SVG file: what is written is SVG, so the name says so.
    private static func checkChartFile(_ file: ChartFile) throws(Diagnostic) -> ChartFile {
        let name = file.path.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        guard name.lowercased().hasSuffix(".svg"), name.count > 4 else {
            throw Diagnostic("a chart is written as SVG: the file name must end in .svg", at: file.span,
                             hint: file.path.isEmpty || file.path.hasSuffix("/") ? "for example: to \"chart.svg\"" : "for example: to \"\(Self.svgName(file.path))\"")
        }
        return file
    }

    /// `deaths.png` -> `deaths.svg`, `deaths` -> `deaths.svg`.
    private static func svgName(_ path: String) -> String {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        let folder = path.dropLast(name.count)
        let stem = name.lastIndex(of: ".").map { name[..<$0] }.flatMap { $0.isEmpty ? nil : String($0) } ?? name
        return folder + stem + ".svg"
    }

    private func scopeText(_ e: Expr) -> String {
        if case .name(let n, let quoted) = e.kind { return quoted ? "`\(n)`" : n }
        return "x"
    }

    private func count(_ e: Expr, _ scope: inout Scope, stage: String) throws(Diagnostic) -> Int {
        let t = try check(e, &scope)
        guard case .constant(.int(let n)) = t.kind else {
            throw Diagnostic("'\(stage)' needs a whole number of rows", at: e.span, hint: "for example: \(stage) 10")
        }
        guard n >= 0 else { throw Diagnostic("'\(stage)' needs a number of rows that is not negative", at: e.span) }
        return Int(n)
    }

    private func namedExprs(_ items: [NamedExpr], _ scope: inout Scope, checkDuplicates: Bool = true) throws(Diagnostic) -> [(name: String, expr: TypedExpr)] {
        var out: [(name: String, expr: TypedExpr)] = []
        var seen = Set<String>()
        for (i, item) in items.enumerated() {
            let e = try check(item.expr, &scope)
            let name = item.name?.name ?? derivedName(item.expr, index: i)
            if checkDuplicates {
                guard seen.insert(name).inserted else {
                    throw Diagnostic("duplicate column name '\(name)'", at: item.span, hint: "name it: other = \(scopeText(item.expr))")
                }
            }
            out.append((name, e))
        }
        return out
    }

    /// KQL's naming: a column keeps its name, `sum(fatalities)` is `sum_fatalities`, `count()`
    /// is `count`, `week(date)` is `date`; anything else is `column1`, `column2`, ...
    func derivedName(_ e: Expr, index: Int) -> String {
        switch e.kind {
        case .name(let n, _): return n
        case .call(let f, let args):
            if catalog.functions.aggregate(named: f.name) != nil {
                if let first = args.first, case .name(let n, _) = first.kind { return "\(f.name)_\(n)" }
                return f.name
            }
            for a in args { if case .name(let n, _) = a.kind { return n } }
            return "column\(index + 1)"
        default:
            return "column\(index + 1)"
        }
    }
}

/// The fields visible to an expression, and the aggregates collected in a `summarize`.
struct Scope {
    var fields: [Field]
    var allowAggregates: Bool
    var aggregates: [AggregateCall] = []
    /// Inside an aggregate's argument, another aggregate is an error.
    var insideAggregate = false
}
