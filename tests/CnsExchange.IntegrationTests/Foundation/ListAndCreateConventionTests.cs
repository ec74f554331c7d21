using System.Net;
using CnsExchange.Application.Common;
using CnsExchange.Application.Features.Admin;
using CnsExchange.Application.Features.Sandboxes;
using CnsExchange.Application.Features.Webhooks;
using CnsExchange.IntegrationTests.Events;
using CnsExchange.IntegrationTests.Lifecycle;
using CnsExchange.IntegrationTests.PaymentRuns;
using CnsExchange.IntegrationTests.Sandboxes;
using CnsExchange.IntegrationTests.Support;
using CnsExchange.IntegrationTests.Validation;

namespace CnsExchange.IntegrationTests.Foundation;

/// <summary>
/// API.md's conventions on the operator's and administrator's own resources: "Lists are paged (?cursor=&amp;limit=)" and
/// "Every POST that creates something accepts Idempotency-Key: the same key and body replays the first answer; the same
/// key with another body is 422". Sandboxes, registries and webhook endpoints followed neither before.
/// </summary>
public sealed class ListAndCreateConventionTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task Registries_are_paged_by_their_key_and_every_row_is_served_once()
    {
        var b = await SandboxApi.CreateAsync(Client(Operator));
        var admin = Client(b.Key("admin"));
        // More than one page of each: the seed's 10 insured persons (and more), doctors and 7 providers, 3 a page.
        var insured = await PaymentRunApi.AllAsync<InsuredDto>(admin, "/api/v1/admin/insured", limit: 3);
        var doctors = await PaymentRunApi.AllAsync<DoctorDto>(admin, "/api/v1/admin/doctors", limit: 3);
        var providers = await PaymentRunApi.AllAsync<ProviderDto>(admin, "/api/v1/admin/providers", limit: 3);
        var everyInsured = await PaymentRunApi.AllAsync<InsuredDto>(admin, "/api/v1/admin/insured", limit: 200);

        Assert.Equal(everyInsured.Select(i => i.Matricule), insured.Select(i => i.Matricule));
        Assert.Contains(insured, i => i.Matricule == ValidationTestSupport.Adult);
        Assert.Equal(insured.Select(i => i.Matricule).Order(StringComparer.Ordinal), insured.Select(i => i.Matricule));
        Assert.Equal(doctors.Select(d => d.Code).Distinct().Order(StringComparer.Ordinal), doctors.Select(d => d.Code));
        Assert.Equal(7, providers.Select(p => p.Code).Distinct().Count());

        var first = await (await admin.GetAsync("/api/v1/admin/providers?limit=2")).ExpectAsync<Page<ProviderDto>>(HttpStatusCode.OK);
        Assert.Equal(2, first.Items.Count);
        Assert.NotNull(first.NextCursor);
        // A cursor of another list, or garbage, is 400 like on every list; so is a limit out of bounds.
        var timeCursor = new Cursor(DateTimeOffset.UnixEpoch, Guid.Empty).Encode();
        await (await admin.GetAsync($"/api/v1/admin/providers?cursor={timeCursor}")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await admin.GetAsync("/api/v1/admin/doctors?cursor=%%%")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await admin.GetAsync("/api/v1/admin/insured?limit=0")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task More_than_500_insured_persons_are_all_listed()
    {
        // The list stopped at 500 rows without saying so.
        var b = await SandboxApi.CreateAsync(Client(Operator), seed: "empty");
        var admin = Client(b.Key("admin"));
        var born = new DateOnly(1970, 1, 1);
        for (var n = 0; n < 510; n++)
        {
            var matricule = CnsExchange.Domain.Common.Matricule.Create(born.AddDays(n), 1).Value;
            await (await admin.PutJsonAsync($"/api/v1/admin/insured/{matricule}", new
            {
                firstName = "Test", lastName = "Person", sex = "female", competentFund = "CNS", residenceCountry = "LU",
                crossBorderWorker = false, affiliations = new[] { new { from = "2020-01-01" } },
            })).ExpectAsync(HttpStatusCode.OK);
        }
        var all = await PaymentRunApi.AllAsync<InsuredDto>(admin, "/api/v1/admin/insured");
        Assert.Equal(510, all.Select(i => i.Matricule).Distinct().Count());
    }

    [Fact]
    public async Task Sandboxes_are_listed_newest_first_a_page_at_a_time()
    {
        var older = await SandboxApi.CreateAsync(Client(Operator), name: "paged-older");
        var newer = await SandboxApi.CreateAsync(Client(Operator), name: "paged-newer");
        var first = await (await Client(Operator).GetAsync("/api/v1/sandboxes?limit=1")).ExpectAsync<Page<SandboxDto>>(HttpStatusCode.OK);
        Assert.Single(first.Items);
        Assert.NotNull(first.NextCursor);
        var all = await PaymentRunApi.AllAsync<SandboxDto>(Client(Operator), "/api/v1/sandboxes", limit: 2);
        Assert.Equal(all.Count, all.Select(s => s.Id).Distinct().Count());
        Assert.True(all.FindIndex(s => s.Id == newer.Id) < all.FindIndex(s => s.Id == older.Id));
        Assert.Contains(all, s => s.Id == SandboxApi.Default);
        Assert.Equal(all.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id).Select(s => s.Id), all.Select(s => s.Id));
    }

    [Fact]
    public async Task Webhook_endpoints_are_paged()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var b = await SandboxApi.CreateAsync(Client(Operator));
        var physio = Client(b.Key("physio-1"));
        var ids = new List<Guid>();
        for (var n = 0; n < 3; n++)
            ids.Add((await (await physio.PostJsonAsync("/api/v1/webhook-endpoints", new { url = receiver.Url }))
                .ExpectAsync<CreatedWebhookEndpointDto>(HttpStatusCode.Created)).Endpoint.Id);
        var all = await PaymentRunApi.AllAsync<WebhookEndpointDto>(physio, "/api/v1/webhook-endpoints", limit: 2);
        // Under the frozen clock all three have one time; ids made in one millisecond are not ordered, so compare the set.
        Assert.Equal(ids.Order(), all.Select(e => e.Id).Order());
    }

    [Fact]
    public async Task A_provider_creation_retried_with_its_idempotency_key_creates_no_second_provider_or_key()
    {
        var b = await SandboxApi.CreateAsync(Client(Operator), seed: "empty");
        var admin = Client(b.Key("admin"));
        object Body(string name) => new { code = "PHY0777", kind = "physiotherapist", name, iban = "LU280019400644750000", bic = "BCEELULL" };

        var created = await (await LifecycleApi.PostAsync(admin, "/api/v1/admin/providers", Body("Practice"), "provider-777"))
            .ExpectAsync<ProviderCreated>(HttpStatusCode.Created);
        var again = await (await LifecycleApi.PostAsync(admin, "/api/v1/admin/providers", Body("Practice"), "provider-777"))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "idempotent_replay_without_secret");
        Assert.Equal("/api/v1/admin/providers/PHY0777", again["resource"]!.GetValue<string>());
        Assert.DoesNotContain(created.ApiKey, again.ToJsonString());
        await (await LifecycleApi.PostAsync(admin, "/api/v1/admin/providers", Body("Another name"), "provider-777"))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        // Without a key, the same body is the conflict it always was.
        await (await admin.PostJsonAsync("/api/v1/admin/providers", Body("Practice"))).ExpectProblemAsync(HttpStatusCode.Conflict, "provider_exists");

        // Where the answer and the replay point exists; the first key works, and no second key was issued.
        var read = await (await admin.GetAsync("/api/v1/admin/providers/PHY0777")).ExpectAsync<ProviderDto>(HttpStatusCode.OK);
        Assert.Equal(created.Provider.Id, read.Id);
        await (await admin.GetAsync("/api/v1/admin/providers/NOPE000")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await Client(created.ApiKey).GetAsync("/api/v1/fee-memoirs")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_sandbox_creation_retried_with_its_idempotency_key_creates_no_second_sandbox()
    {
        var key = $"sandbox-{Guid.NewGuid():N}";
        var name = $"idem-{Guid.NewGuid():N}";
        var body = new { name, clock = new { mode = "frozen", now = ApiFactory.Start }, seed = "empty" };
        async Task<int> NamedAsync(string n) => (await PaymentRunApi.AllAsync<SandboxDto>(Client(Operator), "/api/v1/sandboxes")).Count(s => s.Name == n);

        var created = await (await LifecycleApi.PostAsync(Client(Operator), "/api/v1/sandboxes", body, key)).ExpectAsync<SandboxCreated>(HttpStatusCode.Created);
        var again = await (await LifecycleApi.PostAsync(Client(Operator), "/api/v1/sandboxes", body, key))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "idempotent_replay_without_secret");
        Assert.Equal($"/api/v1/sandboxes/{created.Id}", again["resource"]!.GetValue<string>());
        foreach (var secret in created.Keys.Values) Assert.DoesNotContain(secret, again.ToJsonString());
        await (await LifecycleApi.PostAsync(Client(Operator), "/api/v1/sandboxes", body with { seed = "standard" }, key))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        await (await LifecycleApi.PostAsync(Client(Operator), "/api/v1/sandboxes", body, new string('k', 201)))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(1, await NamedAsync(name));
        await (await Client(Operator).GetAsync($"/api/v1/sandboxes/{created.Id}")).ExpectAsync(HttpStatusCode.OK);

        // Four at once with one key: one sandbox, and the others are told where it is.
        var raceName = $"idem-race-{Guid.NewGuid():N}";
        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            LifecycleApi.PostAsync(Client(Operator), "/api/v1/sandboxes", body with { name = raceName }, $"race-{raceName}")));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Created), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
        Assert.Equal(1, await NamedAsync(raceName));
    }
}
