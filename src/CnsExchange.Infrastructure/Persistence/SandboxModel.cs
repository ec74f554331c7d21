using System.Linq.Expressions;
using CnsExchange.Application.Features.Sandboxes;
using Microsoft.EntityFrameworkCore.Metadata;

namespace CnsExchange.Infrastructure.Persistence;

/// <summary>
/// Makes every entity a sandbox's data, except the sandboxes and operator keys themselves: a <c>sandbox_id</c> column
/// (default: the unit of work's database setting, so raw INSERTs and COPY need not name it, and row-level security
/// checks it), a cascading foreign key to <c>sandboxes</c> (but see <see cref="SandboxThroughParent"/>), a query filter on the current sandbox, and every configured
/// index and every natural primary key led by <c>sandbox_id</c> (the same matricule or reference in two sandboxes), except
/// those led by a reference to another sandbox table (<see cref="LeadsWithReference"/>).
/// </summary>
internal static class SandboxModel
{
    public const string Property = "SandboxId";
    public const string Column = "sandbox_id";
    public const string Setting = "cns.sandbox";

    /// <summary>The setting as a uuid; unset or reset ('') reads as NULL, which matches no row.</summary>
    public const string CurrentSql = "(NULLIF(current_setting('cns.sandbox', true), ''))::uuid";

    private static readonly HashSet<Type> Shared = [typeof(SandboxRecord), typeof(Configurations.OperatorKey)];

    /// <summary>
    /// Tables whose rows take their sandbox from a parent row instead of a foreign key of their own, because each row is
    /// written with its parent in the same transaction (under the same sandbox setting, which row-level security checks)
    /// and goes with it (the parent's cascading foreign key: a sandbox's deletion removes them by their own column first
    /// where an index leads with it, and through that cascade where none does, see <c>SandboxDeletionOrder</c>).
    /// The column, policy, filter and indexes stay; only the foreign key to <c>sandboxes</c>, a <c>FOR KEY SHARE</c> of
    /// the one sandbox row by every row written, goes:
    /// - a fee memoir line is in its memoir's sandbox and goes with its memoir (a trigger checks the one once per statement,
    ///   another deletes the lines of deleted memoirs: the memoir's key is no constraint either, see <see cref="Configurations.LineReferences"/>);
    /// - a prescription scan is stored with its validation request in the request's one save (VAL-18), and nowhere else;
    /// - a voucher's services and a validation voucher's prescription fingerprints are added with the voucher
    ///   (<c>CareVouchers.AddAsync</c>, <c>PhysioVouchers.AddAsync</c>) and saved with it (issue 24: 4 of the ~9 checks
    ///   of the sandbox row per agreed validation).
    /// The care-request subtype tables (table per type) follow the same rule with a column the model does not know: EF Core
    /// maps <c>SandboxId</c> to <c>care_requests</c> only, and migration <c>RequestSubtypesCarryTheirSandbox</c> gives them
    /// the column (the session's sandbox by default) and the same policy.
    /// </summary>
    private static readonly HashSet<Type> SandboxThroughParent =
    [
        typeof(CnsExchange.Domain.Billing.FeeMemoirLine),
        typeof(CnsExchange.Domain.Physio.PrescriptionScan),
        typeof(CnsExchange.Domain.Physio.PrescriptionFingerprint),
        typeof(CnsExchange.Domain.Vouchers.VoucherService),
    ];

    /// <summary>
    /// Marks a configured index that is not led by <c>sandbox_id</c>, set where the index is configured:
    /// - a key that stays unique across all sandboxes (an API key's hash identifies its sandbox);
    /// - a non-unique index on a globally unique key (a uuid foreign key). A prepared statement's plan is made with the
    ///   estimate for the sandbox current at planning time (the policy's <c>current_setting</c> is evaluated for
    ///   estimation); in a sandbox the statistics do not know yet, that estimate is a row or two, every index led by
    ///   <c>sandbox_id</c> then costs the same as the primary key, and a plan that scans the sandbox's rows through another
    ///   such index stays cached while the sandbox fills (bench/results/2026-12-03-p1-new-sandboxes.md). An index
    ///   without the prefix cannot compete with a full key.
    /// </summary>
    public const string NotLedBySandbox = "CnsExchange:NotLedBySandbox";

    /// <summary>
    /// Marks an index led by a reference that keeps the <c>sandbox_id</c> prefix anyway (see <see cref="LeadsWithReference"/>):
    /// set where the reference is no foreign key of the database and the index is the one a sandbox's deletion finds the
    /// table's rows by.
    /// </summary>
    public const string LedBySandbox = "CnsExchange:LedBySandbox";

    /// <summary>
    /// Whether the column is the first of a foreign key to another sandbox table (a uuid, unique across sandboxes). An index
    /// or natural key led by such a column stays led by it, unprefixed: deleting a parent row makes PostgreSQL look its child
    /// rows up by the key alone (<c>SELECT 1 FROM child WHERE fk = $1</c>, once per deleted row), and PostgreSQL 15 cannot
    /// use an index whose first column is <c>sandbox_id</c> for that (no skip scan). Led by <c>sandbox_id</c>, each check
    /// scanned the child table across all sandboxes, and deleting a sandbox of 50,000 validations ran past the command
    /// timeout (stop 57). The key's own value picks one sandbox's rows as well as the prefix did. A second index led by the
    /// same key keeps the prefix (the first serves the checks; this one may serve a sandbox's deletion, see
    /// <c>SandboxDeletionOrder</c>).
    /// </summary>
    private static bool LeadsWithReference(IMutableProperty column) =>
        column.GetContainingForeignKeys().Any(fk => fk.Properties[0] == column && !Shared.Contains(fk.PrincipalEntityType.ClrType));

    public static bool IsSandboxData(IReadOnlyEntityType type) => type.FindProperty(Property) is not null;

    public static IEnumerable<IEntityType> SandboxTables(IModel model) =>
        model.GetEntityTypes().Where(t => t.BaseType is null && !t.IsOwned() && IsSandboxData(t));

    public static void Apply(ModelBuilder modelBuilder, DbContext context)
    {
        // Only the configured entities: types met on the way (JSON records, lists) are still in the model here.
        foreach (var type in modelBuilder.Model.GetEntityTypes()
                     .Where(t => t.BaseType is null && !t.IsOwned() && !Shared.Contains(t.ClrType)
                                 && ((IConventionEntityType)t).GetConfigurationSource() == ConfigurationSource.Explicit).ToList())
        {
            var entity = modelBuilder.Entity(type.ClrType);
            entity.Property<Guid>(Property).HasColumnName(Column).HasDefaultValueSql(CurrentSql).ValueGeneratedNever();
            if (!SandboxThroughParent.Contains(type.ClrType))
                entity.HasOne(typeof(SandboxRecord)).WithMany().HasForeignKey(Property).OnDelete(DeleteBehavior.Cascade);

            var e = Expression.Parameter(type.ClrType, "e");
            var filter = Expression.Equal(
                Expression.Call(typeof(EF), nameof(EF.Property), [typeof(Guid)], e, Expression.Constant(Property)),
                Expression.Property(Expression.Constant(context), nameof(AppDbContext.CurrentSandboxId)));
            entity.HasQueryFilter(Expression.Lambda(filter, e));

            var sandbox = type.FindProperty(Property)!;
            var unprefixed = new HashSet<IMutableProperty>(); // one index per reference is enough for its checks
            foreach (var index in type.GetIndexes().ToList())
            {
                if (index.Properties[0] == sandbox || index.FindAnnotation(NotLedBySandbox) is not null) continue;
                if (index.FindAnnotation(LedBySandbox) is null && LeadsWithReference(index.Properties[0]) && unprefixed.Add(index.Properties[0])) continue;
                if (((IConventionIndex)index).GetConfigurationSource() != ConfigurationSource.Explicit) continue;
                var annotations = index.GetAnnotations().Select(a => (a.Name, a.Value)).ToList();
                var (unique, descending, name) = (index.IsUnique, index.IsDescending, index.Name);
                IReadOnlyList<IMutableProperty> properties = [sandbox, .. index.Properties];
                type.RemoveIndex(index);
                var added = name is null ? type.AddIndex(properties) : type.AddIndex(properties, name);
                added.IsUnique = unique;
                // An empty list means every column descending.
                if (descending is not null) added.IsDescending = [false, .. descending.Count == 0 ? index.Properties.Select(_ => true) : descending];
                foreach (var (annotation, value) in annotations) added.SetAnnotation(annotation, value);
            }

            // The sandbox's own foreign key is searched by its column too: when the sandbox row goes (its cascade), and each
            // batch of a sandbox's deletion. EF Core's index for it is left out when an index led by sandbox_id exists, even a
            // partial one, which serves neither.
            if (!SandboxThroughParent.Contains(type.ClrType) && !type.GetIndexes().Any(i => i.Properties[0] == sandbox && i.GetFilter() is null))
                entity.HasIndex(Property);

            // A natural key (a doctor's code, a prescription fingerprint, a per-year counter) repeats across sandboxes.
            var primary = type.FindPrimaryKey();
            var natural = primary is not null && (primary.Properties.Count > 1 || primary.Properties[0].ClrType != typeof(Guid));
            if (natural && !primary!.GetReferencingForeignKeys().Any() && !LeadsWithReference(primary.Properties[0]))
            {
                var keyBuilder = entity.HasKey([Property, .. primary.Properties.Select(p => p.Name)]);
                if (primary.FindAnnotation(Microsoft.EntityFrameworkCore.Metadata.RelationalAnnotationNames.Name)?.Value is string keyName) keyBuilder.HasName(keyName);
            }
        }
    }
}
