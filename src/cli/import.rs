//! `elplan import`: public tables turned into district files.

use std::path::PathBuf;

use clap::Args;

use elplan::{Diagnostic, Diagnostics, ErrorKind};

use super::Status;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CDE "District Areas" table (CSV)
    csv: PathBuf,
    /// Where the district files go
    #[arg(long, value_name = "DIR")]
    out_dir: PathBuf,
    /// A CALPADS unduplicated pupil count school file, to count schools and
    /// those with 21 or more English learners; its directly funded charters
    /// are left out of the counts and of the reclassification file's sums.
    /// Its English learners are the base of the next school year's
    /// reclassification rate, as CDE divides it
    #[arg(long, value_name = "CSV")]
    schools: Option<PathBuf>,
    /// A CALPADS unduplicated pupil count LEA file, for each district's own
    /// enrollment, FRPM share and EL share (without its directly funded charters)
    #[arg(long, value_name = "CSV")]
    lea: Option<PathBuf>,
    /// A Dashboard ELPI download (2019 TSV or 2024 CSV layout), for ELPI
    /// history, the ELPI color and the long-term EL estimate (repeatable)
    #[arg(long, value_name = "FILE")]
    elpi: Vec<PathBuf>,
    /// A DataQuest EL reclassification file (`filesreclass19.txt`, school
    /// rows summed by district, without the directly funded charters when
    /// --schools names them), for each year's ELs and reclassified
    /// students; its year comes from its name (repeatable: with the year
    /// before, or a --schools file of the fall before, the rate is CDE's)
    #[arg(long, value_name = "FILE")]
    reclass: Vec<PathBuf>,
    /// A CDE differentiated assistance file by student group, for each
    /// year's assistance, the EL and long-term EL groups' priority areas,
    /// and the other student groups that met the criteria (repeatable)
    #[arg(long, value_name = "CSV")]
    assistance: Vec<PathBuf>,
    /// A CDE "Low Performing LEAs" file by student group, for the
    /// indicators on which ELs were at the lowest level (repeatable)
    #[arg(long, value_name = "CSV")]
    lowperf: Vec<PathBuf>,
    /// A Dashboard indicator download under its own name (`eladownload2024.txt`,
    /// `mathdownload…`, `chronicdownload…`, `graddownload…`, `elpidownload…`),
    /// for the EL group's values and group sizes (repeatable)
    #[arg(long, value_name = "FILE")]
    dashboard: Vec<PathBuf>,
    /// Replace district files that already exist in the output directory
    #[arg(long)]
    force: bool,
}

pub fn run(args: &ImportArgs) -> anyhow::Result<Status> {
    let mut tables = elplan::import::Tables::default();
    let mut table_failures = Vec::new();
    if let Some(path) = &args.schools {
        tables.set_schools(elplan::import::count_schools(path).map_err(Diagnostics::from)?);
    }
    if let Some(path) = &args.lea {
        let (lea, failures) = elplan::import::lea_counts(path).map_err(Diagnostics::from)?;
        tables.set_lea(lea);
        table_failures.extend(failures);
    }
    for path in &args.elpi {
        let (elpi, failures) = elplan::import::read_elpi(path).map_err(Diagnostics::from)?;
        for (code, district) in elpi {
            tables.elpi.entry(code).or_default().merge(district);
        }
        table_failures.extend(failures);
    }
    type Reader =
        fn(&mut elplan::import::Outcomes, &std::path::Path) -> Result<Vec<Diagnostic>, Diagnostic>;
    let readers: [(&[PathBuf], Reader); 4] = [
        (&args.reclass, elplan::import::Outcomes::read_reclass),
        (&args.assistance, elplan::import::Outcomes::read_assistance),
        (&args.lowperf, elplan::import::Outcomes::read_lowperf),
        (&args.dashboard, elplan::import::Outcomes::read_dashboard),
    ];
    for (paths, read) in readers {
        for path in paths {
            table_failures.extend(read(&mut tables.outcomes, path).map_err(Diagnostics::from)?);
        }
    }
    let result = elplan::import::import(&args.csv, &tables).map_err(Diagnostics::from)?;
    std::fs::create_dir_all(&args.out_dir).map_err(|e| {
        Diagnostics::from(Diagnostic::of(
            ErrorKind::Io,
            &args.out_dir,
            format!("cannot create the output directory: {e}"),
        ))
    })?;
    let targets: Vec<PathBuf> = result
        .districts
        .iter()
        .map(|imported| elplan::import::file_name(&args.out_dir, &imported.district))
        .collect();
    let existing: Vec<&PathBuf> = targets.iter().filter(|p| p.exists()).collect();
    if !existing.is_empty() && !args.force {
        let shown: Vec<String> = existing.iter().map(|p| p.display().to_string()).collect();
        let list = elplan::diagnostic::fold(&shown, 10);
        return Err(Diagnostics::from(
            Diagnostic::of(
                ErrorKind::Conflict,
                &args.out_dir,
                format!(
                    "{} district file{} would be replaced: {list}",
                    existing.len(),
                    if existing.len() == 1 { "" } else { "s" }
                ),
            )
            .with_hint("they may hold your edits: import into another directory, or give --force to replace them"),
        )
        .into());
    }
    for (imported, path) in result.districts.iter().zip(&targets) {
        elplan::output::write_atomic(path, elplan::import::to_ron(imported, &args.csv).as_bytes())
            .map_err(Diagnostics::from)?;
    }
    let failures: Vec<String> = table_failures
        .iter()
        .chain(&result.failures)
        .map(ToString::to_string)
        .collect();
    let summary = format!(
        "imported {} districts into {}{}",
        result.districts.len(),
        args.out_dir.display(),
        if failures.is_empty() {
            String::new()
        } else {
            format!("; {} rows could not be imported", failures.len())
        }
    );
    Ok(super::output::report_problems(&failures, &summary))
}
