using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.SecurityTests.Infrastructure;

namespace Orchestrator.SecurityTests.HostileInput;

/// <summary>The checkouts the corpus aims at: they exist before it runs and must be unchanged after it.</summary>
/// <param name="Demo">Checkouts of the demo merchant (status created).</param>
/// <param name="Acme">A checkout of the acme merchant, for cross-merchant callbacks.</param>
/// <param name="Cursor">A genuine operator-search cursor, to tamper with.</param>
public sealed record HostileTargets(IReadOnlyList<string> Demo, string Acme, string Cursor);

/// <summary>
/// The hostile-input corpus, generated: for each endpoint, each field and each class of hostile value (wrong types,
/// missing fields, nulls, huge strings, unicode and control characters, odd numbers, malformed JSON and form bodies,
/// wrong content types, odd path segments, headers and methods), one request with the answers it may get.
/// Every case is invalid by the documented rules, so every answer must be a 4xx and nothing may change.
/// </summary>
public sealed class HostileCorpus
{
    public const string Create = "POST /v1/checkouts";
    public const string Get = "GET /v1/checkouts/{referenceNo}";
    public const string Cancel = "POST /v1/checkouts/{referenceNo}/cancel";
    public const string Fulfil = "POST /v1/checkouts/{referenceNo}/fulfil";
    public const string OpsDetails = "GET /ops/checkouts/{merchantId}/{referenceNo}";
    public const string OpsStatusCheck = "POST /ops/checkouts/{merchantId}/{referenceNo}/status-check";
    public const string OpsCancel = "POST /ops/checkouts/{merchantId}/{referenceNo}/cancel";
    public const string OpsSearch = "GET /ops/checkouts";
    public const string OpsStats = "GET /ops/stats";
    public const string Callback = "POST /callbacks/nicepay/{merchantId}";

    private const string Placeholder = "__HOSTILE_VALUE__";
    private const string ForgedToken = "abababababababababababababababababababababababababababababababab";
    private const int Megabyte = 1024 * 1024;

    private static readonly IReadOnlySet<int> BadRequest = Set(400);
    private static readonly IReadOnlySet<int> Unauthorized = Set(401);
    private static readonly IReadOnlySet<int> NotFound = Set(404);
    private static readonly IReadOnlySet<int> TooLarge = Set(413);
    private static readonly IReadOnlySet<int> Unsupported = Set(415);
    private static readonly IReadOnlySet<int> NotAllowed = Set(405);
    private static readonly IReadOnlySet<int> OddPath = Set(400, 404, 405);

    private readonly HostileTargets _targets;
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private readonly List<HostileCase> _cases = [];
    private int _nextTarget;

    private HostileCorpus(HostileTargets targets) => _targets = targets;

    public static IReadOnlyList<HostileCase> Generate(HostileTargets targets)
    {
        var corpus = new HostileCorpus(targets);
        corpus.CreateRequests();
        corpus.PathSegments();
        corpus.Credentials();
        corpus.Methods();
        corpus.OperatorSearch();
        corpus.NicepayCallbacks();
        return corpus._cases;
    }

    // ---------------------------------------------------------------- POST /v1/checkouts

    private void CreateRequests()
    {
        // Wrong JSON types, for every field.
        string[] notAString = ["true", "false", "0", "-1", "1.5", "[]", "{}", "[\"a\"]", "{\"a\":\"b\"}"];
        foreach (var field in new[] { "referenceNo", "store", "goodsName", "customer.name", "customer.phone", "customer.email", "expiresAt" })
        {
            foreach (var raw in notAString)
            {
                CreateWith($"{field} = {raw}", field, raw);
            }
        }

        foreach (var raw in new[] { "true", "\"150000\"", "\"abc\"", "[]", "{}", "[150000]", "{\"value\":150000}" })
        {
            CreateWith($"amount = {raw}", "amount", raw);
        }

        foreach (var raw in new[] { "true", "0", "\"Budi Santoso\"", "[]", "[{}]" })
        {
            CreateWith($"customer = {raw}", "customer", raw);
        }

        foreach (var raw in new[] { "true", "0", "\"x\"", "[]", "[\"a\"]", "{\"k\":1}", "{\"k\":true}", "{\"k\":{}}", "{\"k\":[]}", "{\"k\":null}" })
        {
            CreateWith($"metadata = {raw}", "metadata", raw);
        }

        // Missing and null required fields.
        foreach (var field in new[] { "referenceNo", "amount", "store", "goodsName", "customer", "customer.name", "customer.phone", "customer.email" })
        {
            AddCreate($"{field} missing", reference => Utf8(Body(reference, body => RemoveField(body, field))));
            CreateWith($"{field} = null", field, "null");
        }

        ReferenceNumbers();
        Amounts();
        foreach (var store in new[] { "", new string('s', 10_000), "INDOMARET", "Indomaret", " indomaret", "indomaret ", "indomaret\0", "alfamidi", "\u0131ndomaret", "indomaret\u200B", "indomart", "indomaret,alfamart", "0" })
        {
            CreateWith($"store = {Show(store)}", "store", Str(store));
        }

        foreach (var field in new[] { "goodsName", "customer.name" })
        {
            FreeText(field);
        }

        Phones();
        Emails();
        Expiries();
        Metadata();
        MalformedBodies();
        ContentTypes();
        IdempotencyKeys();
    }

    private void ReferenceNumbers()
    {
        // A fresh, valid reference with something hostile added: that reference must not come into existence.
        string[] suffixes =
        [
            " ", "\t", "\0", "\n", "\r\n", "/", "\\", "..", "/../x", "%2F", "?", "#", "<", "'", "\"", ";", "\u200B",
            "\u202E", "\uFEFF", "\U0001F600", "\u0301", "\u00E9", "\uFF21", "\u00A0", "\u3000", "\u0085", "\u007F",
        ];
        foreach (var suffix in suffixes)
        {
            var fresh = SecurityHost.NewReference("HOSTILE");
            Add(CreateCase($"referenceNo + {Show(suffix)}", Utf8(Body(fresh + suffix)), fresh));
        }

        foreach (var (name, value) in new[] { ("empty", ""), ("blanks", "   "), ("41 characters", new string('A', 41)), ("10k characters", new string('R', 10_000)) })
        {
            CreateWith($"referenceNo {name}", "referenceNo", Str(value));
        }
    }

    private void Amounts()
    {
        string[] amounts =
        [
            "-1", "0", "-0", "9999", "2500001", "1.5", "150000.5", "150000.0", "1e5", "1E5", "1.5e5", "150000e0",
            "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "1e309", "-1e309",
            "1e-309", "99999999999999999999999999999999999999999", "0x249F0", "0150000", "+150000", ".5", "150_000", "NaN",
            "Infinity", "-Infinity", "\"1e309\"", "150000 150000",
        ];
        foreach (var raw in amounts)
        {
            CreateWith($"amount = {raw}", "amount", raw);
        }
    }

    private void FreeText(string field)
    {
        var values = new (string Name, string Raw)[]
        {
            ("empty", Str("")),
            ("blanks", Str("   ")),
            ("ideographic spaces", Str("\u3000\u3000")),
            ("no-break spaces", Str("\u00A0\u00A0")),
            ("101 characters", Str(new string('a', 101))),
            ("51 emoji (102 UTF-16 units)", Str(string.Concat(Enumerable.Repeat("\U0001F600", 51)))),
            ("101 combining marks", Str("e" + new string('\u0301', 100))),
            ("NUL", Str("a\0b")),
            ("BEL", Str("a\u0007b")),
            ("CR LF", Str("line\r\nbreak")),
            ("TAB", Str("tab\tinside")),
            ("NEL (C1 control)", Str("a\u0085b")),
            ("C1 control", Str("a\u009Fb")),
            ("DEL", Str("a\u007Fb")),
            ("10k characters", Str(new string('a', 10_000))),
            ("10k emoji", Str(string.Concat(Enumerable.Repeat("\U0001F600", 10_000)))),
            ("a lone high surrogate", "\"Coffee \\ud800\""),
            ("a lone low surrogate", "\"Coffee \\udc00\""),
            ("a reversed surrogate pair", "\"\\ude00\\ud83d\""),
        };
        foreach (var (name, raw) in values)
        {
            CreateWith($"{field} {name}", field, raw);
        }
    }

    private void Phones()
    {
        string[] phones =
        [
            "", " ", "abc", "+62 812 3456 7890", "(0812) 345-678", "\u0660\u0668\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669",
            "\uFF10\uFF18\uFF11\uFF12\uFF13\uFF14\uFF15\uFF16\uFF17", "+", "++6281234567", "123456", "1234567890123456",
            "+6281234567890\0", "\u202E08123456789", "08123456789\u200B", "0812345678\U0001F600", new string('1', 10_000),
        ];
        foreach (var phone in phones)
        {
            CreateWith($"customer.phone = {Show(phone)}", "customer.phone", Str(phone));
        }
    }

    private void Emails()
    {
        string[] emails =
        [
            "", " ", "a", "a@b", "@example.com", "budi@", "budi@@example.com", "bu di@example.com", "budi@example..com",
            "budi@.example.com", "budi@example.com.", new string('a', 29) + "@example.com", "budi\0@example.com",
            "budi\u202E@example.com", "budi\u200B@example.com", "budi@exa\u200Dmple.com",
            "budi@example.com\uFEFF", new string('e', 10_000),
        ];
        foreach (var email in emails)
        {
            CreateWith($"customer.email = {Show(email)}", "customer.email", Str(email));
        }
    }

    private void Expiries()
    {
        string[] expiries =
        [
            "", " ", "tomorrow", "2030-01-01", "2030-01-01T00:00:00", "2030-01-01 00:00:00Z", "2020-01-01T00:00:00Z",
            _now.AddDays(8).ToString("yyyy-MM-ddTHH:mm:ssK", CultureInfo.InvariantCulture),
            _now.AddSeconds(30).ToString("yyyy-MM-ddTHH:mm:ssK", CultureInfo.InvariantCulture),
            "9999-12-31T23:59:59Z", "2030-02-30T00:00:00Z", "2030-01-01T25:00:00Z", "2030-01-01T00:00:00+25:00",
            "2030-01-01T00:00:00.123456789Z", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "1e309",
            "2030-01-01T00:00:00Z\0", "\u0662\u0660\u0663\u0660-01-01T00:00:00Z", new string('2', 10_000),
        ];
        foreach (var expiry in expiries)
        {
            CreateWith($"expiresAt = {Show(expiry)}", "expiresAt", Str(expiry));
        }
    }

    private void Metadata()
    {
        var values = new (string Name, string Raw)[]
        {
            ("21 entries", JsonObjectOf(Enumerable.Range(0, 21).Select(i => ($"k{i}", "v")))),
            ("5000 entries", JsonObjectOf(Enumerable.Range(0, 5_000).Select(i => ($"k{i}", "v")))),
            ("an empty key", "{\"\":\"v\"}"),
            ("a 41-character key", JsonObjectOf([(new string('k', 41), "v")])),
            ("a 10k-character key", JsonObjectOf([(new string('k', 10_000), "v")])),
            ("a NUL key", "{\"\\u0000\":\"v\"}"),
            ("a BEL in a key", "{\"a\\u0007\":\"v\"}"),
            ("a 501-character value", JsonObjectOf([("k", new string('v', 501))])),
            ("a 10k-character value", JsonObjectOf([("k", new string('v', 10_000))])),
            ("a duplicate key", "{\"k\":\"v\",\"k\":\"w\"}"),
            ("nested 100 levels", Nest("{\"k\":", "\"v\"", "}", 100)),
            ("nested 10k levels", Nest("{\"k\":", "\"v\"", "}", 10_000)),
        };
        foreach (var (name, raw) in values)
        {
            CreateWith($"metadata with {name}", "metadata", raw);
        }
    }

    private void MalformedBodies()
    {
        foreach (var (name, text) in new[]
        {
            ("an empty body", ""), ("blanks", "   "), ("null", "null"), ("true", "true"), ("a number", "150000"),
            ("a string", "\"checkout\""), ("an empty array", "[]"), ("an empty object", "{}"),
        })
        {
            AddCreate($"the body is {name}", _ => Utf8(text));
        }

        AddCreate("the body is an array holding a valid request", reference => Utf8($"[{Body(reference)}]"));

        // Truncated at every 5 %.
        for (var percent = 5; percent < 100; percent += 5)
        {
            var cut = percent;
            AddCreate($"truncated at {cut} %", reference =>
            {
                var text = Body(reference);
                return Utf8(text[..(text.Length * cut / 100)]);
            });
        }

        AddCreate("a trailing comma after the last field", reference => Utf8(Body(reference)[..^1] + ",}"));
        AddCreate("a trailing comma in customer", reference => Utf8(Body(reference).Replace("\"budi@example.com\"", "\"budi@example.com\",", StringComparison.Ordinal)));
        AddCreate("a trailing comma in metadata", reference => Utf8(Body(reference).Replace("\"1001\"", "\"1001\",", StringComparison.Ordinal)));
        AddCreate("a line comment", reference => Utf8("// checkout\n" + Body(reference)));
        AddCreate("a block comment", reference => Utf8("{/* c */" + Body(reference)[1..]));
        AddCreate("a trailing comment", reference => Utf8(Body(reference) + "/* c */"));
        AddCreate("text after the document", reference => Utf8(Body(reference) + "{}"));
        AddCreate("two documents", reference => Utf8(Body(reference) + Body(reference)));

        foreach (var (name, duplicate) in new[]
        {
            ("referenceNo", "\"referenceNo\":\"OTHER-REF-1\","), ("amount", "\"amount\":175000,"), ("store", "\"store\":\"alfamart\","),
            ("customer", "\"customer\":{\"name\":\"Eve\",\"phone\":\"+6281111111111\",\"email\":\"eve@example.com\"},"),
            ("amount (other case)", "\"Amount\":175000,"),
        })
        {
            AddCreate($"duplicate key {name}", reference => Utf8("{" + duplicate + Body(reference)[1..]));
        }

        AddCreate("duplicate key customer.email", reference => Utf8(Body(reference).Replace(
            "\"email\":\"budi@example.com\"", "\"email\":\"eve@example.com\",\"email\":\"budi@example.com\"", StringComparison.Ordinal)));

        foreach (var (name, member) in new[]
        {
            ("an unknown field", "\"extra\":1,"), ("__proto__", "\"__proto__\":{\"admin\":true},"), ("$type", "\"$type\":\"Admin\","),
            ("$id", "\"$id\":\"1\","), ("$ref", "\"$ref\":\"1\","),
        })
        {
            AddCreate($"{name} added", reference => Utf8("{" + member + Body(reference)[1..]));
        }

        AddCreate("customer.age added", reference => Utf8(Body(reference).Replace("\"name\":", "\"age\":30,\"name\":", StringComparison.Ordinal)));
        AddCreate("arrays nested 10k levels", _ => Utf8(Nest("[", "1", "]", 10_000)));
        AddCreate("objects nested 10k levels", _ => Utf8(Nest("{\"a\":", "1", "}", 10_000)));
        CreateWith("customer nested 200 levels", "customer", Nest("{\"name\":", "\"x\"", "}", 200));

        // Bytes that are not UTF-8, inside goodsName, and raw control bytes inside and outside strings.
        foreach (var (name, bytes) in new (string, byte[])[]
        {
            ("0xFF", [0xFF]), ("an overlong '/' (C0 AF)", [0xC0, 0xAF]), ("an encoded surrogate (ED A0 80)", [0xED, 0xA0, 0x80]),
            ("a truncated sequence (E2 82)", [0xE2, 0x82]), ("a lone continuation byte (80)", [0x80]),
            ("a 5-byte sequence (F8 88 80 80 80)", [0xF8, 0x88, 0x80, 0x80, 0x80]), ("a raw NUL", [0x00]), ("a raw 0x01", [0x01]),
            ("a raw 0x1F", [0x1F]), ("a raw line feed", [0x0A]),
        })
        {
            AddCreate($"goodsName holds {name}", reference => Splice(Body(reference), "Coffee beans 1 kg", bytes));
        }

        AddCreate("a NUL between fields", reference => Splice(Body(reference), ",\"store\"", [0x00], keep: true));
        AddCreate("a byte order mark between fields", reference => Utf8(Body(reference).Replace(",\"store\"", "\uFEFF,\"store\"", StringComparison.Ordinal)));
        AddCreate("UTF-16 declared as UTF-8", reference => Encoding.Unicode.GetBytes(Body(reference)));
        AddCreate("UTF-32 declared as UTF-8", reference => Encoding.UTF32.GetBytes(Body(reference)));

        // Too large: refused before the endpoint runs.
        foreach (var field in new[] { "referenceNo", "store", "goodsName", "customer.name", "customer.phone", "customer.email", "expiresAt", "metadata.order" })
        {
            AddCreate($"{field} of 1 MB", reference => Utf8(Body(reference, body => SetField(body, field, new string('x', Megabyte)))), TooLarge);
        }

        AddCreate("amount of 1 MB of digits", reference => Utf8(Body(reference, body => SetField(body, "amount", Placeholder)).Replace(
            $"\"{Placeholder}\"", new string('9', Megabyte), StringComparison.Ordinal)), TooLarge);
        AddCreate("a metadata key of 1 MB", reference => Utf8(Body(reference, body => body["metadata"] = new JsonObject { [new string('k', Megabyte)] = "v" })), TooLarge);
        AddCreate("a valid request padded to 200 KB", reference => Utf8(Body(reference) + new string(' ', 200_000)), TooLarge);
        AddCreate("metadata with 10k entries", reference => Utf8(Body(reference, body => body["metadata"] = JsonNode.Parse(
            JsonObjectOf(Enumerable.Range(0, 10_000).Select(i => ($"key{i}", "value")))))), TooLarge);
    }

    private void ContentTypes()
    {
        foreach (var contentType in new[]
        {
            "text/plain", "application/xml", "text/json", Requests.Form, "multipart/form-data; boundary=x", "application/octet-stream",
            "application/jsonx", "json", "*/*", "application/*", "application/json\0",
        })
        {
            AddCreate($"Content-Type {Show(contentType)}", reference => Utf8(Body(reference)), Unsupported, [contentType]);
        }

        AddCreate("no Content-Type", reference => Utf8(Body(reference)), Unsupported, []);
        AddCreate("an empty Content-Type", reference => Utf8(Body(reference)), Unsupported, [""]);
        AddCreate("two Content-Type headers", reference => Utf8(Body(reference)), Unsupported, [Requests.Json, "text/plain"]);
        AddCreate("Content-Type listing two types", reference => Utf8(Body(reference)), Unsupported, ["application/json, text/plain"]);
        AddCreate("charset=bogus", reference => Utf8(Body(reference)), Unsupported, ["application/json; charset=bogus"]);
        AddCreate("charset=utf-16 on UTF-8 bytes", reference => Utf8(Body(reference)), BadRequest, ["application/json; charset=utf-16"]);
    }

    private void IdempotencyKeys()
    {
        var keys = new (string Name, string[] Values)[]
        {
            ("blanks", ["   "]), ("256 characters", [new string('k', 256)]), ("10k characters", [new string('k', 10_000)]),
            ("Cyrillic", ["\u043A\u043B\u044E\u0447-1"]), ("a NUL", ["key\0x"]), ("a TAB", ["k\tey"]), ("an emoji", ["key\U0001F600"]),
            ("an RTL override", ["\u202Ekey"]), ("a DEL", ["key\u007F"]), ("two headers", ["key-a", "key-b"]),
            ("the same header twice", ["key-a", "key-a"]),
        };
        foreach (var (name, values) in keys)
        {
            AddCreate($"Idempotency-Key {name}", reference => Utf8(Body(reference)), BadRequest, [Requests.Json],
                [.. values.Select(value => ("Idempotency-Key", value))]);
        }
    }

    // ---------------------------------------------------------------- odd path segments

    private void PathSegments()
    {
        foreach (var endpoint in new[] { Get, Cancel, Fulfil, OpsDetails, OpsStatusCheck, OpsCancel })
        {
            var target = NextTarget();
            // "/ops/checkouts/demo/.." is "/ops/checkouts", a valid search, once the client removes the dot segment.
            foreach (var (name, segment) in OddSegments(target).Where(odd => endpoint != OpsDetails || odd.Segment != "%2E%2E"))
            {
                AddOnTarget(endpoint, $"referenceNo {name}", target, Path(endpoint, "demo", segment), OddPath);
            }
        }

        foreach (var endpoint in new[] { OpsDetails, OpsStatusCheck, OpsCancel })
        {
            var target = NextTarget();
            foreach (var merchant in new[]
            {
                "DEMO", "de%2Fmo", "%2E%2E", "demo%20", new string('a', 10_000), "%E2%80%AEdemo", "acme", "unknown", "demo%FF",
            })
            {
                AddOnTarget(endpoint, $"merchantId {Show(merchant)}", target, Path(endpoint, merchant, target), OddPath);
            }
        }

        // A body over the limit on endpoints that take none: refused before they run.
        foreach (var endpoint in new[] { Cancel, Fulfil, OpsStatusCheck, OpsCancel })
        {
            var target = NextTarget();
            AddOnTarget(endpoint, "a 200 KB body", target, Path(endpoint, "demo", target), TooLarge,
                body: Utf8(new string('x', 200_000)), contentTypes: [Requests.Json]);
        }
    }

    private static IEnumerable<(string Name, string Segment)> OddSegments(string target) =>
    [
        ("+ %0A", target + "%0A"), ("+ %0D%0A", target + "%0D%0A"), ("+ %09", target + "%09"),
        ("+ %20", target + "%20"), ("%20 +", "%20" + target), ("+ %2F", target + "%2F"), ("+ %2Fx", target + "%2Fx"),
        ("..%2F +", "..%2F" + target), ("+ %252F", target + "%252F"), ("+ overlong %C0%AF", target + "%C0%AF"),
        ("+ RTL override", target + "%E2%80%AE"), ("+ zero-width space", target + "%E2%80%8B"), ("+ emoji", target + "%F0%9F%98%80"),
        ("+ %FF", target + "%FF"), ("+ %", target + "%"), ("+ %ZZ", target + "%ZZ"), ("+ truncated %E0%A4%A", target + "%E0%A4%A"),
        ("lowercased", target.ToLowerInvariant()), ("+ combining acute", target + "%CC%81"), ("%2E%2E", "%2E%2E"), ("%2E", "%2E"),
        ("41 characters", new string('A', 41)), ("10k characters", new string('A', 10_000)), ("+ ;x=1", target + ";x=1"),
        ("+ %3B", target + "%3B"), ("BOM +", "%EF%BB%BF" + target), ("+ %7F", target + "%7F"),
    ];

    // ---------------------------------------------------------------- odd Authorization headers

    private void Credentials()
    {
        string[] credentials =
        [
            "Bearer " + new string('k', 10_000), "Bearer \0", $"Bearer {SecurityHost.DemoKey}\0", $"Bearer \u202E{SecurityHost.DemoKey}",
            "Bearer \U0001F600", $"Bearer {SecurityHost.DemoKey}\u200B", $"Bearer\u00A0{SecurityHost.DemoKey}", "Bearer %00",
            "Bearer" + new string(' ', 8_000), "", $"Bearer {SecurityHost.DemoKey},Bearer {SecurityHost.AcmeKey}",
        ];
        foreach (var endpoint in new[] { Create, Get, Cancel, Fulfil, OpsDetails, OpsStatusCheck, OpsCancel, OpsSearch, OpsStats })
        {
            foreach (var credential in credentials)
            {
                var name = $"Authorization {Show(credential)}";
                (string, string)[] headers = [("Authorization", credential)];
                if (endpoint == Create)
                {
                    var fresh = SecurityHost.NewReference("HOSTILE");
                    Add(new HostileCase(endpoint, name,
                        () => Requests.Make(HttpMethod.Post, "/v1/checkouts", body: Utf8(Body(fresh)), contentTypes: [Requests.Json], headers: headers),
                        Unauthorized)
                    { MustNotExist = fresh });
                }
                else
                {
                    var target = NextTarget();
                    var method = endpoint.StartsWith("POST", StringComparison.Ordinal) ? HttpMethod.Post : HttpMethod.Get;
                    Add(new HostileCase(endpoint, name, () => Requests.Make(method, Path(endpoint, "demo", target), headers: headers), Unauthorized)
                    {
                        Target = target,
                        TargetOwnerKey = SecurityHost.DemoKey,
                    });
                }
            }
        }
    }

    // ---------------------------------------------------------------- methods the routes do not have

    private void Methods()
    {
        var routes = new (string Endpoint, string[] Methods)[]
        {
            (Create, ["GET", "PUT", "DELETE", "PATCH"]), (Get, ["POST", "PUT", "DELETE", "PATCH"]), (Cancel, ["GET", "PUT", "DELETE"]),
            (Fulfil, ["GET", "PUT", "DELETE"]), (OpsDetails, ["POST", "PUT", "DELETE"]), (OpsStatusCheck, ["GET", "DELETE"]),
            (OpsCancel, ["GET", "DELETE"]), (OpsSearch, ["POST", "PUT", "DELETE"]), (OpsStats, ["POST", "DELETE"]),
            (Callback, ["GET", "PUT", "DELETE", "PATCH"]),
        };
        foreach (var (endpoint, methods) in routes)
        {
            var target = NextTarget();
            var key = endpoint.Contains("/ops/", StringComparison.Ordinal) ? SecurityHost.OperatorKey
                : endpoint == Callback ? null : SecurityHost.DemoKey;
            foreach (var method in methods)
            {
                AddOnTarget(endpoint, $"method {method}", target, Path(endpoint, "demo", target), NotAllowed, new HttpMethod(method), key,
                    body: method is "GET" or "DELETE" ? null : Utf8("{}"), contentTypes: [Requests.Json]);
            }
        }
    }

    // ---------------------------------------------------------------- GET /ops/checkouts and /ops/stats

    private void OperatorSearch()
    {
        string[] common = ["", "%00", "a%0Ab", new string('q', 10_000), "%E2%80%AE", "%F0%9F%98%80", "%FF", "%", "%ZZ", "a%20b", "'%20OR%201=1%20--", "%3Cscript%3E"];
        var parameters = new (string Name, string[] Values)[]
        {
            ("merchantId", ["A", "Demo", "-demo", new string('a', 41), "de%20mo", "demo%00", "demo%2F", "%C0%AF"]),
            ("status", ["CREATED", "Created", "paid", "1", "created%00", "%E2%80%AEcreated", "created,expired"]),
            ("store", ["INDOMARET", "alfamidi", "indomaret%00", "0"]),
            ("createdFrom", ["yesterday", "2026-01-01", "2026-01-01T00:00:00", "2026-01-01T00:00:00+07:00", "2026-13-01T00:00:00Z",
                "2026-02-30T00:00:00Z", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00%2B14:00", "1e309", "-1",
                "2026-01-01T00:00:00.123456789Z", "%D9%A2%D9%A0%D9%A2%D9%A6-01-01T00:00:00Z"]),
            ("createdTo", ["yesterday", "2026-01-01", "2026-01-01T00:00:00+07:00", "9999-12-31T23:59:59-14:00"]),
            ("paymentCode", ["a%20b", new string('1', 65), "12%0934", "12%E2%80%8B34"]),
            ("transactionId", ["a%20b", new string('T', 65), "T%0AX"]),
            ("requiresAttention", ["TRUE", "True", "1", "0", "yes", "true%00", "t"]),
            ("limit", ["0", "-1", "501", "1.5", "1e2", "%2B5", "%205", "0x10", "9999999999999999999", "50%00", "%D9%A1%D9%A0", "NaN"]),
            ("after", [new string('c', 1025), "garbage", "AAAA", "eyJ4IjoxfQ", _targets.Cursor[..^2] + (_targets.Cursor[^2..] == "AA" ? "BB" : "AA"),
                _targets.Cursor + "A", _targets.Cursor[..(_targets.Cursor.Length / 2)]]),
        };
        string[] printable = ["%", "%ZZ", "%FF", "%3Cscript%3E"]; // an invalid escape stays as it is: "%FF" is three ASCII characters
        foreach (var (parameter, values) in parameters)
        {
            // paymentCode and transactionId match exactly: any printable ASCII text is a valid (if fruitless) search.
            var hostile = parameter is "paymentCode" or "transactionId" ? common.Except(printable) : common;
            foreach (var value in hostile.Concat(values).Distinct(StringComparer.Ordinal))
            {
                AddSearch($"{parameter} = {Show(value)}", $"/ops/checkouts?{parameter}={value}");
            }
        }

        AddSearch("status twice", "/ops/checkouts?status=created&status=expired");
        AddSearch("limit twice", "/ops/checkouts?limit=1&limit=2");
        AddSearch("merchantId twice", "/ops/checkouts?merchantId=demo&merchantId=acme");
        AddSearch("createdTo before createdFrom", "/ops/checkouts?createdFrom=2026-02-01T00:00:00Z&createdTo=2026-01-01T00:00:00Z");
        AddSearch("a cursor for other filters", $"/ops/checkouts?status=expired&after={_targets.Cursor}");

        foreach (var value in common.Concat(["A", "Demo", "-demo", new string('a', 41), "demo%00", "%C0%AF"]).Distinct(StringComparer.Ordinal))
        {
            Add(new HostileCase(OpsStats, $"merchantId = {Show(value)}",
                () => Requests.Make(HttpMethod.Get, $"/ops/stats?merchantId={value}", SecurityHost.OperatorKey), BadRequest));
        }
    }

    private void AddSearch(string name, string pathAndQuery) =>
        Add(new HostileCase(OpsSearch, name, () => Requests.Make(HttpMethod.Get, pathAndQuery, SecurityHost.OperatorKey), BadRequest));

    // ---------------------------------------------------------------- POST /callbacks/nicepay/{merchantId}

    private void NicepayCallbacks()
    {
        var target = NextTarget();
        void Form(string name, IReadOnlySet<int> expected, Func<List<(string Key, string Value)>, string>? build = null,
            string merchant = "demo", string[]? contentTypes = null, string query = "", string? victim = null, string? owner = null)
        {
            var fields = NotificationFields(target);
            var body = build is null ? Encode(fields) : build(fields);
            AddCallback(name, expected, Utf8(body), contentTypes ?? [Requests.Form], merchant, query, victim ?? target, owner);
        }

        Form("a forged token", Unauthorized);
        foreach (var field in new[] { "tXid", "referenceNo", "merchantToken", "amt", "matchCl", "status" })
        {
            Form($"{field} missing", BadRequest, fields => Encode(fields.Where(pair => pair.Key != field)));
            Form($"{field} empty", BadRequest, fields => Encode(Replace(fields, field, "")));
        }

        var amounts = new (string Value, IReadOnlySet<int> Expected)[]
        {
            ("-1", BadRequest), ("1e309", BadRequest), ("9223372036854775808", BadRequest), ("150000.5", BadRequest), ("abc", BadRequest),
            ("150%2C000", BadRequest), ("%00", BadRequest), (new string('9', 10_000), BadRequest), ("%E2%80%AE150000", BadRequest),
            ("150000.0", Unauthorized), ("1.5e5", Unauthorized), ("%20150000", Unauthorized), ("0", Unauthorized), ("00150000", Unauthorized),
        };
        foreach (var (value, expected) in amounts)
        {
            Form($"amt = {Show(value)}", expected, fields => Encode(Replace(fields, "amt", value)));
        }

        foreach (var value in new[] { "0", "4", "-1", "1.0", "01", "a", "%00", "1%00" })
        {
            Form($"matchCl = {Show(value)}", BadRequest, fields => Encode(Replace(fields, "matchCl", value)));
        }

        foreach (var value in new[] { "2", "-1", "00", "a", "0.0", "%E2%80%AE0" })
        {
            Form($"status = {Show(value)}", BadRequest, fields => Encode(Replace(fields, "status", value)));
        }

        foreach (var value in new[] { new string('T', 10_000), "%E2%80%AE", "%F0%9F%98%80" })
        {
            Form($"tXid = {Show(value)}", Unauthorized, fields => Encode(Replace(fields, "tXid", value)));
        }

        // The form reader refuses NUL characters in values.
        Form("tXid = NUL", BadRequest, fields => Encode(Replace(fields, "tXid", "%00")));
        Form("merchantToken = 64 NULs", BadRequest, fields => Encode(Replace(fields, "merchantToken", string.Concat(Enumerable.Repeat("%00", 64)))));

        Form("tXid blank", BadRequest, fields => Encode(Replace(fields, "tXid", "%20")));
        foreach (var value in new[] { "zz", new string('a', 63), new string('a', 65), new string('g', 64), new string('f', 10_000),
            ForgedToken.ToUpperInvariant() })
        {
            Form($"merchantToken = {Show(value)}", Unauthorized, fields => Encode(Replace(fields, "merchantToken", value)));
        }

        foreach (var (name, value) in new[]
        {
            ("+ %00", target + "%00"), ("a%2Fb", "a%2Fb"), ("41 characters", new string('A', 41)), ("RTL override +", "%E2%80%AE" + target),
            ("+ '+'", target + "+"), ("+ %20", target + "%20"), ("10k characters", new string('R', 10_000)), ("%ZZ", "%ZZ"),
            ("+ %", target + "%"), ("truncated %E0%A4%A", "%E0%A4%A"), ("overlong %C0%AF", "%C0%AF"),
        })
        {
            Form($"referenceNo {name}", BadRequest, fields => Encode(Replace(fields, "referenceNo", value)));
        }

        Form("referenceNo unknown", NotFound, fields => Encode(Replace(fields, "referenceNo", SecurityHost.NewReference("NOSUCH"))));
        Form("referenceNo lowercased", NotFound, fields => Encode(Replace(fields, "referenceNo", target.ToLowerInvariant())));
        Form("referenceNo of another merchant", NotFound, fields => Encode(Replace(fields, "referenceNo", _targets.Acme)),
            victim: _targets.Acme, owner: SecurityHost.AcmeKey);
        Form("sent to another merchant's path", NotFound, merchant: "acme");
        foreach (var merchant in new[] { "unknown", "de%2Fmo", new string('a', 10_000), "%E2%80%AEdemo" })
        {
            Form($"merchantId {Show(merchant)}", NotFound, merchant: merchant);
        }

        Form("merchantId DEMO", NotFound, merchant: "DEMO");
        Form("merchantId %2E%2E", NotFound, merchant: "%2E%2E");

        // Malformed form bodies.
        Form("referenceNo twice", BadRequest, fields => Encode(fields.Prepend(("referenceNo", target))));
        Form("amt twice", BadRequest, fields => Encode(fields.Prepend(("amt", "1"))));
        Form("merchantToken twice", BadRequest, fields => Encode(fields.Prepend(("merchantToken", ForgedToken))));
        Form("status twice", BadRequest, fields => Encode(fields.Prepend(("status", "1"))));
        Form("500 extra fields", BadRequest, fields => Encode(fields.Concat(Junk(500))));
        Form("2000 extra fields", BadRequest, fields => Encode(fields.Concat(Junk(2_000))));
        Form("10k fields", TooLarge, _ => Encode(Junk(10_000)));
        Form("a 10k-character field name", BadRequest, fields => Encode(fields.Append((new string('k', 10_000), "v"))));
        Form("a 100 KB value", TooLarge, fields => Encode(Replace(fields, "goodsNm", new string('g', 100_000))));
        Form("1 MB", TooLarge, fields => Encode(fields) + "&pad=" + new string('p', Megabyte));
        Form("an empty body", BadRequest, _ => "");
        Form("only separators", BadRequest, _ => "&&&&");
        Form("only equals signs", BadRequest, _ => "=&=&=");
        Form("a field without '='", BadRequest, _ => "referenceNo");
        Form("'%' alone", BadRequest, _ => "%");
        AddCallback("raw 0xFF in referenceNo", BadRequest, Splice(Encode(NotificationFields(target)), target, [0xFF], keep: false), [Requests.Form], "demo", "", target, null);
        AddCallback("raw 0xFF in tXid", Unauthorized, Splice(Encode(NotificationFields(target)), "IONPAYTEST", [0xFF], keep: true), [Requests.Form], "demo", "", target, null);

        // Content types.
        Form("no Content-Type", BadRequest, contentTypes: []);
        Form("text/plain", Unsupported, contentTypes: ["text/plain"]);
        Form("application/xml", Unsupported, contentTypes: ["application/xml"]);
        Form("two Content-Type headers", BadRequest, contentTypes: [Requests.Form, "text/plain"]);
        Form("charset=bogus", Unsupported, contentTypes: [Requests.Form + "; charset=bogus"]);
        Form("charset=utf-16", BadRequest, contentTypes: [Requests.Form + "; charset=utf-16"]);
        Form("multipart without a boundary", BadRequest, contentTypes: ["multipart/form-data"]);
        Form("multipart with a boundary and a form body", BadRequest, contentTypes: ["multipart/form-data; boundary=xyz"]);
        Form("multipart cut short", BadRequest, _ => "--xyz\r\nContent-Disposition: form-data; name=\"referenceNo\"\r\n\r\n" + target,
            contentTypes: ["multipart/form-data; boundary=xyz"]);
        Form("multipart with a forged token", Unauthorized, fields => Multipart(fields), contentTypes: ["multipart/form-data; boundary=xyz"]);

        // The query string carries fields too.
        Form("fields in the query string only", Unauthorized, _ => "", query: "?" + Encode(NotificationFields(target)));
        Form("2000 fields in the query string", BadRequest, query: "?" + Encode(Junk(2_000)));
        Form("a 1 MB referenceNo in the query string", BadRequest, fields => Encode(fields.Where(pair => pair.Key != "referenceNo")),
            query: "?referenceNo=" + new string('R', Megabyte));
        Form("a 10k referenceNo in the query string", BadRequest, fields => Encode(fields.Where(pair => pair.Key != "referenceNo")),
            query: "?referenceNo=" + new string('R', 10_000));

        // JSON, which the callback also reads.
        string JsonText(List<(string Key, string Value)> fields) =>
            JsonSerializer.Serialize(fields.ToDictionary(pair => pair.Key, pair => Uri.UnescapeDataString(pair.Value)));
        string[] json = [Requests.Json];
        Form("JSON with a forged token", Unauthorized, JsonText, contentTypes: json);
        Form("JSON with charset=bogus", Unsupported, JsonText, contentTypes: ["application/json; charset=bogus"]);
        Form("JSON with a lone surrogate", BadRequest, fields => JsonText(fields).Replace("IONPAYTEST", "IONPAY\\ud800TEST", StringComparison.Ordinal), contentTypes: json);
        Form("JSON amt as a number", Unauthorized, fields => JsonText(fields).Replace("\"amt\":\"150000\"", "\"amt\":150000", StringComparison.Ordinal), contentTypes: json);
        foreach (var (name, text) in new[] { ("an array", "[]"), ("a string", "\"x\""), ("a number", "1"), ("null", "null"), ("empty", "") })
        {
            Form($"JSON that is {name}", BadRequest, _ => text, contentTypes: json);
        }

        for (var percent = 20; percent < 100; percent += 20)
        {
            var cut = percent;
            Form($"JSON truncated at {cut} %", BadRequest, fields => JsonText(fields)[..(JsonText(fields).Length * cut / 100)], contentTypes: json);
        }

        Form("JSON nested 10k levels", BadRequest, _ => Nest("{\"a\":", "1", "}", 10_000), contentTypes: json);
        Form("JSON with referenceNo twice", BadRequest, fields => "{\"referenceNo\":\"OTHER\"," + JsonText(fields)[1..], contentTypes: json);
        Form("JSON with a comment", BadRequest, fields => "/* c */" + JsonText(fields), contentTypes: json);
        Form("JSON with a trailing comma", BadRequest, fields => JsonText(fields)[..^1] + ",}", contentTypes: json);
        Form("JSON with referenceNo an object", BadRequest, fields => JsonText(fields).Replace($"\"referenceNo\":\"{target}\"", "\"referenceNo\":{\"a\":1}", StringComparison.Ordinal), contentTypes: json);
        Form("JSON with referenceNo a number", NotFound, fields => JsonText(fields).Replace($"\"referenceNo\":\"{target}\"", "\"referenceNo\":123", StringComparison.Ordinal), contentTypes: json);
        AddCallback("JSON with invalid UTF-8", BadRequest, Splice(JsonText(NotificationFields(target)), "IONPAYTEST", [0xC0, 0xAF], keep: true), json, "demo", "", target, null);
    }

    private static List<(string Key, string Value)> NotificationFields(string referenceNo) =>
    [
        ("tXid", "IONPAYTEST03202603011200001234"), ("referenceNo", referenceNo), ("amt", "150000"), ("merchantToken", ForgedToken),
        ("matchCl", "1"), ("status", "0"), ("payMethod", "03"), ("mitraCd", "INDO"), ("payNo", "123456789012"), ("currency", "IDR"),
        ("goodsNm", "Coffee%20beans%201%20kg"), ("billingNm", "Budi%20Santoso"), ("transDt", "20260301"), ("transTm", "120000"),
        ("depositDt", "20260301"), ("depositTm", "121500"), ("receiptCode", "R123"),
    ];

    private static IEnumerable<(string Key, string Value)> Junk(int count) => Enumerable.Range(0, count).Select(i => ($"f{i}", "v"));

    private static List<(string Key, string Value)> Replace(List<(string Key, string Value)> fields, string key, string value) =>
        [.. fields.Select(pair => pair.Key == key ? (key, value) : pair)];

    /// <summary>Pairs joined as a form; values are sent as given (already percent-encoded, or deliberately not).</summary>
    private static string Encode(IEnumerable<(string Key, string Value)> fields) =>
        string.Join('&', fields.Select(pair => $"{pair.Key}={pair.Value}"));

    private static string Multipart(List<(string Key, string Value)> fields) =>
        string.Concat(fields.Select(pair =>
            $"--xyz\r\nContent-Disposition: form-data; name=\"{pair.Key}\"\r\n\r\n{Uri.UnescapeDataString(pair.Value)}\r\n")) + "--xyz--\r\n";

    private void AddCallback(string name, IReadOnlySet<int> expected, byte[] body, string[] contentTypes, string merchant, string query,
        string target, string? owner) =>
        Add(new HostileCase(Callback, name,
            () => Requests.Make(HttpMethod.Post, $"/callbacks/nicepay/{merchant}{query}", body: body, contentTypes: contentTypes), expected)
        {
            Target = target,
            TargetOwnerKey = owner ?? SecurityHost.DemoKey,
        });

    // ---------------------------------------------------------------- helpers

    private string NextTarget() => _targets.Demo[_nextTarget++ % _targets.Demo.Count];

    private void Add(HostileCase hostileCase) => _cases.Add(hostileCase);

    private void AddOnTarget(string endpoint, string name, string target, string path, IReadOnlySet<int> expected, HttpMethod? method = null,
        string? apiKey = "", byte[]? body = null, string[]? contentTypes = null)
    {
        method ??= endpoint.StartsWith("POST", StringComparison.Ordinal) ? HttpMethod.Post : HttpMethod.Get;
        var key = apiKey == "" ? (endpoint.Contains("/ops/", StringComparison.Ordinal) ? SecurityHost.OperatorKey : SecurityHost.DemoKey) : apiKey;
        Add(new HostileCase(endpoint, name, () => Requests.Make(method, path, key, body, contentTypes), expected)
        {
            Target = target,
            TargetOwnerKey = SecurityHost.DemoKey,
        });
    }

    /// <summary>A create request with <paramref name="field"/> set to the raw JSON <paramref name="raw"/>.</summary>
    private void CreateWith(string name, string field, string raw) =>
        AddCreate(name, reference => Utf8(Body(reference, body => SetField(body, field, Placeholder)).Replace($"\"{Placeholder}\"", raw, StringComparison.Ordinal)));

    private void AddCreate(string name, Func<string, byte[]> body, IReadOnlySet<int>? expected = null, string[]? contentTypes = null,
        (string, string)[]? headers = null)
    {
        var fresh = SecurityHost.NewReference("HOSTILE");
        Add(new HostileCase(Create, name,
            () => Requests.Make(HttpMethod.Post, "/v1/checkouts", SecurityHost.DemoKey, body(fresh), contentTypes ?? [Requests.Json], headers),
            expected ?? BadRequest)
        { MustNotExist = fresh });
    }

    private static HostileCase CreateCase(string name, byte[] body, string mustNotExist) =>
        new(Create, name, () => Requests.Make(HttpMethod.Post, "/v1/checkouts", SecurityHost.DemoKey, body, [Requests.Json]), BadRequest)
        {
            MustNotExist = mustNotExist,
        };

    private static string Path(string endpoint, string merchantId, string referenceNo) => endpoint switch
    {
        Create => "/v1/checkouts",
        Get => $"/v1/checkouts/{referenceNo}",
        Cancel => $"/v1/checkouts/{referenceNo}/cancel",
        Fulfil => $"/v1/checkouts/{referenceNo}/fulfil",
        OpsDetails => $"/ops/checkouts/{merchantId}/{referenceNo}",
        OpsStatusCheck => $"/ops/checkouts/{merchantId}/{referenceNo}/status-check",
        OpsCancel => $"/ops/checkouts/{merchantId}/{referenceNo}/cancel",
        OpsSearch => "/ops/checkouts",
        OpsStats => "/ops/stats",
        Callback => $"/callbacks/nicepay/{merchantId}",
        _ => throw new ArgumentOutOfRangeException(nameof(endpoint), endpoint, null),
    };

    /// <summary>The valid create request as JSON text, optionally changed.</summary>
    private static string Body(string referenceNo, Action<JsonObject>? change = null)
    {
        var body = new JsonObject
        {
            ["referenceNo"] = referenceNo,
            ["amount"] = 150_000,
            ["store"] = "indomaret",
            ["goodsName"] = "Coffee beans 1 kg",
            ["customer"] = new JsonObject { ["name"] = "Budi Santoso", ["phone"] = "+6281234567890", ["email"] = "budi@example.com" },
            ["metadata"] = new JsonObject { ["order"] = "1001" },
        };
        change?.Invoke(body);
        return body.ToJsonString();
    }

    private static void SetField(JsonObject body, string path, string value)
    {
        var (parent, name) = Locate(body, path);
        parent[name] = value;
    }

    private static void RemoveField(JsonObject body, string path)
    {
        var (parent, name) = Locate(body, path);
        parent.Remove(name);
    }

    private static (JsonObject Parent, string Name) Locate(JsonObject body, string path)
    {
        var parts = path.Split('.');
        var parent = body;
        foreach (var part in parts[..^1])
        {
            parent = parent[part]!.AsObject();
        }

        return (parent, parts[^1]);
    }

    /// <summary>A JSON string literal (with the serializer's escaping).</summary>
    private static string Str(string value) => JsonSerializer.Serialize(value);

    private static string JsonObjectOf(IEnumerable<(string Key, string Value)> pairs) =>
        "{" + string.Join(',', pairs.Select(pair => $"{Str(pair.Key)}:{Str(pair.Value)}")) + "}";

    private static string Nest(string open, string inner, string close, int depth) =>
        string.Concat(Enumerable.Repeat(open, depth)) + inner + string.Concat(Enumerable.Repeat(close, depth));

    /// <summary>The text as UTF-8 with raw bytes put after (or instead of) the first occurrence of <paramref name="anchor"/>.</summary>
    private static byte[] Splice(string text, string anchor, byte[] bytes, bool keep = true)
    {
        var at = text.IndexOf(anchor, StringComparison.Ordinal);
        var before = Utf8(text[..(keep ? at + anchor.Length : at)]);
        var after = Utf8(text[(at + anchor.Length)..]);
        return [.. before, .. bytes, .. after];
    }

    private static byte[] Utf8(string text) => Requests.Utf8(text);

    /// <summary>A value for a case name: control and invisible characters made visible, long ones cut.</summary>
    private static string Show(string value)
    {
        var shown = new StringBuilder();
        foreach (var rune in value.EnumerateRunes())
        {
            shown.Append(Rune.IsControl(rune) || Rune.GetUnicodeCategory(rune) is UnicodeCategory.Format or UnicodeCategory.SpaceSeparator
                || rune.Value > 0x7E
                ? $"\\u{rune.Value:X4}"
                : rune.ToString());
        }

        var text = shown.ToString();
        return text.Length switch
        {
            0 => "''",
            > 40 => $"'{text[..20]}…' ({value.Length} chars)",
            _ => $"'{text}'",
        };
    }

    private static HashSet<int> Set(params int[] statuses) => [.. statuses];
}
