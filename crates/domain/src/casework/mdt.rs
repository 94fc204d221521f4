//! Multidisciplinary team (MDT) meetings where link workers discuss people with complex needs.

use crate::text::coded_enum;

coded_enum! {
    AttendeeRole, field = "attendees", prompt = "Select who attended" {
        Gp = "gp", "GP";
        PracticeNurse = "practice_nurse", "Practice nurse";
        Pharmacist = "pharmacist", "Clinical pharmacist";
        SocialWorker = "social_worker", "Social worker";
        MentalHealth = "mental_health", "Mental health practitioner";
        CareCoordinator = "care_coordinator", "Care coordinator";
        HealthCoach = "health_coach", "Health and wellbeing coach";
        LinkWorker = "link_worker", "Social prescribing link worker";
        Community = "community", "Community or voluntary sector";
        Other = "other", "Other";
    }
}
