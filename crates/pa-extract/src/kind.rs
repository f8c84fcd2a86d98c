//! Document kind from the title lines of the first page, falling back to the file name.

use pa_types::DocKind;

/// Title keywords per kind, checked in order: the first match wins.
const TITLE_RULES: &[(DocKind, &[&str])] = &[
    (DocKind::Lmn, &["MEDICAL NECESSITY"]),
    (
        DocKind::RequestForm,
        &[
            "AUTHORIZATION REQUEST",
            "REQUEST FORM",
            "PRECERTIFICATION",
            "PRIOR AUTHORIZATION",
        ],
    ),
    (
        DocKind::SleepStudy,
        &[
            "SLEEP APNEA TEST",
            "SLEEP STUDY",
            "POLYSOMNOGRAPHY",
            "SLEEP TEST",
        ],
    ),
    (DocKind::PtNote, &["PHYSICAL THERAPY", "PHYSIOTHERAPY"]),
    (
        DocKind::MedicationList,
        &["MEDICATION LIST", "MEDICATIONS LIST"],
    ),
    (
        DocKind::LabReport,
        &[
            "LABORATOR",
            "LAB REPORT",
            "PATHOLOGY",
            "RESULTS",
            "BLOOD GAS",
            "OXIMETRY",
            "REFERENCE LAB",
        ],
    ),
    (
        DocKind::ImagingReport,
        &[
            "RADIOLOGY",
            "IMAGING",
            "MRI",
            "CT CHEST",
            "X-RAY",
            "XR ",
            "PET/CT",
            "ULTRASOUND",
        ],
    ),
    (
        DocKind::ClinicalNote,
        &[
            "NOTE",
            "VISIT",
            "CONSULT",
            "EVALUATION",
            "PROGRESS",
            "HISTORY AND PHYSICAL",
        ],
    ),
];

/// File-name hints, for documents without text (scans) or without a title.
const NAME_RULES: &[(DocKind, &[&str])] = &[
    (DocKind::Lmn, &["lmn", "letter", "necessity"]),
    (
        DocKind::RequestForm,
        &["request", "pa_form", "precert", "_pa_"],
    ),
    (DocKind::SleepStudy, &["hsat", "sleep", "psg"]),
    (DocKind::PtNote, &["pt_note", "therapy"]),
    (DocKind::MedicationList, &["med_list", "medication"]),
    (DocKind::LabReport, &["lab", "path", "abg"]),
    (
        DocKind::ImagingReport,
        &["xr_", "mri", "ct_", "imaging", "radiology"],
    ),
    (DocKind::ClinicalNote, &["note", "visit", "eval", "consult"]),
];

/// Classify from the file name and the first page's text.
pub fn classify(file_name: &str, first_page: &str) -> DocKind {
    let title: String = first_page
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase();
    for (kind, words) in TITLE_RULES {
        if words.iter().any(|w| title.contains(w)) {
            return *kind;
        }
    }
    let name = file_name.to_lowercase();
    for (kind, words) in NAME_RULES {
        if words.iter().any(|w| name.contains(w)) {
            return *kind;
        }
    }
    DocKind::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_wins_over_file_name() {
        assert_eq!(
            classify("fax_0912.pdf", "LETTER OF MEDICAL NECESSITY\nClinic"),
            DocKind::Lmn
        );
        assert_eq!(
            classify("lab.pdf", "PHARMACY PRIOR AUTHORIZATION REQUEST"),
            DocKind::RequestForm
        );
        assert_eq!(
            classify("x.pdf", "GRANITE - OXIMETRY AND ARTERIAL BLOOD GAS"),
            DocKind::LabReport
        );
        assert_eq!(classify("hsat_report_scan.pdf", ""), DocKind::SleepStudy);
        assert_eq!(classify("scan_0001.pdf", ""), DocKind::Other);
    }
}
