// Makes the entry point visible to WebApplicationFactory<Program> in tests/ApiTests.
public partial class Program;
