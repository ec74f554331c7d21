using CnsExchange.Application.Behaviors;
namespace CnsExchange.Application.Features.Admin;

public sealed record DoctorInput(string Name, string Country, string? Specialty) : IHasOpenApiExample
{
    public static object Example => new DoctorInput("Dr Test Doctor", "LU", "general practice");
}

public sealed record DoctorDto(string Code, string Name, string Country, string? Specialty);

public sealed record PutDoctor(string Code, DoctorInput Doctor) : ICommand<DoctorDto>;

/// <summary>Sandbox doctors by code, a page at a time.</summary>
public sealed record ListDoctors(string? Cursor = null, int? Limit = null) : IQuery<Page<DoctorDto>>;

public sealed record ProviderInput(string Code, ProviderKind Kind, string Name, string Iban, string Bic) : IHasOpenApiExample
{
    public static object Example => new ProviderInput("PHY0100", ProviderKind.Physiotherapist, "My test practice", "LU280019400644750000", "BCEELULL");
}

public sealed record ProviderDto(Guid Id, string Code, ProviderKind Kind, string Name, string Iban, string Bic, DateTimeOffset CreatedAt)
{
    public static ProviderDto From(Provider p) => new(p.Id, p.Code, p.Kind, p.Name, p.Iban, p.Bic, p.CreatedAt);
}

/// <summary>The new provider and its API key. The key is shown this once; only its hash is stored.</summary>
public sealed record ProviderCreated(ProviderDto Provider, string ApiKey);

public sealed record CreateProvider(ProviderInput Provider, string? IdempotencyKey = null)
    : ICommand<ProviderCreated>, IIdempotentCommand, IAnswersASecretOnce<ProviderCreated>
{
    public string IdempotencyScope => "admin:providers";

    public string RequestFingerprint => Fingerprint.Of(Provider);

    public string ResourceOf(ProviderCreated response) => $"/api/v1/admin/providers/{response.Provider.Code}";
}

public sealed record IssueProviderKey(string Code, string? IdempotencyKey = null)
    : ICommand<ProviderCreated>, IIdempotentCommand, IAnswersASecretOnce<ProviderCreated>
{
    public string IdempotencyScope => $"admin:providers/{Code}/keys";

    public string RequestFingerprint => Code;

    public string ResourceOf(ProviderCreated response) => $"/api/v1/admin/providers/{response.Provider.Code}";
}

/// <summary>One provider by code: where a provider's creation and its key issues point (<c>Location</c>).</summary>
public sealed record GetProvider(string Code) : IQuery<ProviderDto>;

/// <summary>Providers by code, a page at a time.</summary>
public sealed record ListProviders(string? Cursor = null, int? Limit = null) : IQuery<Page<ProviderDto>>;

public sealed class PutDoctorValidator : AbstractValidator<PutDoctor>
{
    public PutDoctorValidator()
    {
        RuleFor(x => x.Code).Matches("^[0-9]{8}$").OverridePropertyName("code").WithMessage("A doctor code has 8 digits.");
        RuleFor(x => x.Doctor).NotNull().OverridePropertyName("body");
        When(x => x.Doctor is not null, () =>
        {
            RuleFor(x => x.Doctor.Name).NotEmpty().MaximumLength(200).OverridePropertyName("name");
            RuleFor(x => x.Doctor.Country).CountryCode().OverridePropertyName("country");
            RuleFor(x => x.Doctor.Specialty).MaximumLength(100).OverridePropertyName("specialty");
            RuleFor(x => x).Must(x => x.Doctor.Country != "LU" || x.Code.StartsWith('9')).OverridePropertyName("code")
                .WithMessage("Luxembourg doctor codes start with 9.");
        });
    }
}

public sealed class CreateProviderValidator : AbstractValidator<CreateProvider>
{
    public CreateProviderValidator()
    {
        RuleFor(x => x.Provider).NotNull().OverridePropertyName("body");
        When(x => x.Provider is not null, () =>
        {
            RuleFor(x => x.Provider.Code).NotEmpty().Matches("^[A-Z0-9]{3,20}$").OverridePropertyName("code").WithMessage("code: 3 to 20 capital letters or digits.");
            RuleFor(x => x.Provider.Kind).IsInEnum().OverridePropertyName("kind");
            RuleFor(x => x.Provider.Name).NotEmpty().MaximumLength(200).OverridePropertyName("name");
            RuleFor(x => x.Provider.Iban).Must(Iban.IsValid).OverridePropertyName("iban").WithMessage("iban is not a valid IBAN: a country of the SWIFT IBAN Registry, its length there, and mod-97 check digits.");
            // Matches lets a null through (FluentValidation): a provider without a BIC reached the database's NOT NULL, a 500.
            RuleFor(x => x.Provider.Bic).Cascade(CascadeMode.Stop).NotEmpty().WithMessage("bic must be 8 or 11 characters (ISO 9362).")
                .Matches(RegistryRules.BicPattern).OverridePropertyName("bic").WithMessage("bic must be 8 or 11 characters (ISO 9362).");
        });
    }
}

public sealed class ProviderHandlers(IAppDbContext db, TimeProvider clock, IRegistryLocks locks) :
    ICommandHandler<PutDoctor, DoctorDto>,
    IQueryHandler<ListDoctors, Page<DoctorDto>>,
    ICommandHandler<CreateProvider, ProviderCreated>,
    ICommandHandler<IssueProviderKey, ProviderCreated>,
    IQueryHandler<ListProviders, Page<ProviderDto>>,
    IQueryHandler<GetProvider, ProviderDto>
{
    public async ValueTask<DoctorDto> Handle(PutDoctor command, CancellationToken ct) =>
        await db.InTransactionAsync(async () =>
        {
            await locks.LockAsync(RegistryLockKinds.Doctor, [command.Code], ct);
            var doctor = await db.Doctors.SingleOrDefaultAsync(d => d.Code == command.Code, ct);
            if (doctor is null) db.Doctors.Add(doctor = new Doctor { Code = command.Code, Name = command.Doctor.Name, Country = command.Doctor.Country });
            doctor.Name = command.Doctor.Name;
            doctor.Country = command.Doctor.Country;
            doctor.Specialty = command.Doctor.Specialty;
            await db.SaveChangesAsync(ct);
            return new DoctorDto(doctor.Code, doctor.Name, doctor.Country, doctor.Specialty);
        }, ct);

    public async ValueTask<Page<DoctorDto>> Handle(ListDoctors query, CancellationToken ct) =>
        await db.Doctors.AsNoTracking().PageByKeyAsync(KeyPageRequest.Of(query.Cursor, query.Limit), d => d.Code,
            d => new DoctorDto(d.Code, d.Name, d.Country, d.Specialty), ct);

    public async ValueTask<ProviderCreated> Handle(CreateProvider command, CancellationToken ct)
    {
        var input = command.Provider;
        if (await db.Providers.AnyAsync(p => p.Code == input.Code, ct))
            throw new ConflictException("provider_exists", $"A provider with code {input.Code} already exists.");
        var provider = new Provider
        {
            Id = Guid.CreateVersion7(), Code = input.Code, Kind = input.Kind, Name = input.Name,
            Iban = input.Iban.Replace(" ", "").ToUpperInvariant(), Bic = input.Bic, CreatedAt = clock.GetUtcNow(),
        };
        db.Providers.Add(provider);
        var key = NewKey(provider);
        await db.SaveChangesAsync(ct);
        return new ProviderCreated(ProviderDto.From(provider), key);
    }

    public async ValueTask<ProviderCreated> Handle(IssueProviderKey command, CancellationToken ct)
    {
        var provider = await db.Providers.SingleOrDefaultAsync(p => p.Code == command.Code, ct) ?? throw new NotFoundException("Provider");
        var key = NewKey(provider);
        await db.SaveChangesAsync(ct);
        return new ProviderCreated(ProviderDto.From(provider), key);
    }

    private string NewKey(Provider provider)
    {
        var key = ApiKeys.Generate("cns-" + provider.Code.ToLowerInvariant());
        db.ApiKeys.Add(new ApiKey
        {
            Id = Guid.CreateVersion7(), KeyHash = ApiKeys.Hash(key), Name = provider.Code, Role = CallerRole.Provider,
            ProviderId = provider.Id, CreatedAt = clock.GetUtcNow(),
        });
        return key;
    }

    public async ValueTask<ProviderDto> Handle(GetProvider query, CancellationToken ct) =>
        ProviderDto.From(await db.Providers.AsNoTracking().SingleOrDefaultAsync(p => p.Code == query.Code, ct) ?? throw new NotFoundException("Provider"));

    public async ValueTask<Page<ProviderDto>> Handle(ListProviders query, CancellationToken ct) =>
        await db.Providers.AsNoTracking().PageByKeyAsync(KeyPageRequest.Of(query.Cursor, query.Limit), p => p.Code, ProviderDto.From, ct);
}
