using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Metadata.Conventions;
using Microsoft.EntityFrameworkCore.Metadata.Conventions.Infrastructure;

namespace CnsExchange.Infrastructure.Persistence;

/// <summary>
/// EF's convention of an index on every foreign key, except on the few foreign keys listed here: columns that a bulk
/// update writes on every row and that no query looks rows up by. An index on such a column makes each of those updates
/// write every index of the table (no heap-only tuple update), for an index nothing reads. The foreign key itself stays.
/// </summary>
internal sealed class SelectiveForeignKeyIndexConvention(ProviderConventionSetBuilderDependencies dependencies) : ForeignKeyIndexConvention(dependencies)
{
    /// <summary>
    /// fee_memoir_lines.return_file_id: set on each line when a payment run marks it paid (a million rows in a large run);
    /// lines are read by run and provider, never by return file, and return files are never deleted (PAY-06).
    /// </summary>
    private static readonly HashSet<(Type Entity, string Property)> Unindexed = [(typeof(FeeMemoirLine), nameof(FeeMemoirLine.ReturnFileId))];

    protected override IConventionIndex? CreateIndex(IReadOnlyList<IConventionProperty> properties, bool unique, IConventionEntityTypeBuilder entityTypeBuilder) =>
        properties.Count == 1 && Unindexed.Contains((entityTypeBuilder.Metadata.ClrType, properties[0].Name))
            ? null
            : base.CreateIndex(properties, unique, entityTypeBuilder);

    /// <summary>An index led by sandbox_id covers a foreign key that follows it: no second index on the key alone.</summary>
    protected override bool AreIndexedBy(IReadOnlyList<IConventionProperty> properties, bool unique, IReadOnlyList<IConventionProperty> coveringIndexProperties, bool coveringIndexUnique) =>
        base.AreIndexedBy(properties, unique, coveringIndexProperties, coveringIndexUnique)
        || (coveringIndexProperties.Count > properties.Count && coveringIndexProperties[0].Name == SandboxModel.Property
            && base.AreIndexedBy(properties, unique, coveringIndexProperties.Skip(1).ToList(), coveringIndexUnique));
}
