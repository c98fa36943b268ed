// `import EVQ` is all an embedding program needs: values, tables and results come with it.

@_exported import EVQEngine
@_exported import EVQStore
@_exported import EVQSyntax
