"""The proposal format `itaku/v1` as pydantic models: the one definition of what a proposal is.

Every yes/no field is three-valued: True, False, or None ("not stated", 記載なし). A section that
does not apply is omitted (None). Unknown keys are rejected everywhere. Field names and enum values
follow shared/docs/proposal-format.md and may be added to, never renamed.

`ja` labels on each field feed the Excel proposal form and the reports; keep them short.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic import Strict as NoCoercion  # the name Strict is this module's base model
from pydantic_core import PydanticCustomError

from itaku.engine.countries import country_code

FORMAT_ID = "itaku/v1"


class Strict(BaseModel):
    """Base for every model of the format: unknown keys are errors, never dropped."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True, validate_default=True)


def label(ja: str, en: str) -> Any:
    """A field's bilingual label, stored in the JSON schema extras so forms and reports share it."""
    return {"ja": ja, "en": en}


# Yes/no is true, false or null only: strict, so that 0/1, "yes", "off" are refused rather than guessed.
YesNo = Annotated[bool | None, NoCoercion()]

# Bounds where a value has no sensible meaning beyond one; they also keep every date a checklist
# schedules (a contract period plus its inspections and calls) inside what dates can hold.
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)
MAX_SUBJECTS = 1_000_000_000
MAX_TIER = 10
MAX_INSPECTIONS_PER_YEAR = 52  # weekly; more is residence, not inspection


def _in_range(value: dt.date | None) -> dt.date | None:
    if value is not None and not FIRST_DAY <= value <= LAST_DAY:
        raise PydanticCustomError(
            "date_range", "date out of range", {"ge": FIRST_DAY.isoformat(), "le": LAST_DAY.isoformat()}
        )
    return value


Day = Annotated[dt.date | None, AfterValidator(_in_range)]


class Kind(str, Enum):
    system_change = "system_change"
    outsourcing = "outsourcing"
    redelegation = "redelegation"
    delegation = "delegation"
    external_linkage = "external_linkage"
    purpose_outside_use = "purpose_outside_use"


class Scope(str, Enum):
    individual_case = "individual_case"
    rule_making = "rule_making"


class Media(str, Enum):
    paper = "paper"
    electronic = "electronic"


class Selection(str, Enum):
    tender = "tender"
    quotation = "quotation"
    negotiated = "negotiated"
    proposal = "proposal"
    existing_contract = "existing_contract"


class Certification(str, Enum):
    privacy_mark = "privacy_mark"
    isms = "isms"
    ismap = "ismap"
    other = "other"


class WorkLocation(str, Enum):
    ward_office = "ward_office"
    vendor_site = "vendor_site"
    cloud = "cloud"


class Clause(str, Enum):
    confidentiality = "confidentiality"
    purpose_limit = "purpose_limit"
    no_third_party = "no_third_party"
    copy_limit = "copy_limit"
    safety_measures = "safety_measures"
    redelegation_approval = "redelegation_approval"
    incident_report = "incident_report"
    return_delete = "return_delete"
    breach_remedy = "breach_remedy"
    periodic_report = "periodic_report"
    audit_right = "audit_right"


class SubRole(str, Enum):
    hosting_only = "hosting_only"
    data_processing = "data_processing"
    development = "development"
    operation = "operation"


class VerifiedBy(str, Enum):
    staff = "staff"
    vendor = "vendor"
    none = "none"


class AuthMethod(str, Enum):
    id_password = "id_password"
    certificate = "certificate"
    sso = "sso"
    none = "none"


class Rotation(str, Enum):
    none = "none"
    per_term = "per_term"
    periodic = "periodic"
    on_change = "on_change"


class DataLocation(str, Enum):
    domestic = "domestic"
    abroad = "abroad"
    unknown = "unknown"


class CloudCert(str, Enum):
    ismap = "ismap"
    isms_cloud = "isms_cloud"
    other = "other"


class Hosting(str, Enum):
    ward = "ward"
    vendor = "vendor"
    rental_server = "rental_server"
    cloud = "cloud"


class Recipients(str, Enum):
    bcc = "bcc"
    to_cc = "to_cc"
    individual = "individual"


class Attachments(str, Enum):
    none = "none"
    plain = "plain"
    encrypted_password_separate = "encrypted_password_separate"
    download_link = "download_link"


class DeviceCapability(str, Enum):
    send_only = "send_only"
    view_personal_data = "view_personal_data"
    manage_registrants = "manage_registrants"


class DeletionMethod(str, Enum):
    overwrite = "overwrite"
    physical_destruction = "physical_destruction"
    crypto_erase = "crypto_erase"
    unspecified = "unspecified"


class HandoverMethod(str, Enum):
    in_person = "in_person"
    encrypted_transfer = "encrypted_transfer"
    portal = "portal"
    plain_mail = "plain_mail"
    unspecified = "unspecified"
    # An addition to the format: encrypted media (USB memory, discs) carried by hand, or collected
    # in person by the vendor; a stated, agreed method as in_person is.
    encrypted_media_in_person = "encrypted_media_in_person"


class RemoteConnection(str, Enum):
    """How a trusted link into the network is held open (an addition to the format)."""

    per_job = "per_job"
    permanent = "permanent"


class LinkSharing(str, Enum):
    """Who a cloud-storage link reaches (an addition to the format)."""

    named_people = "named_people"
    organisation = "organisation"
    anyone_with_link = "anyone_with_link"


class AssuranceScope(str, Enum):
    cloud_service = "cloud_service"
    vendor = "vendor"


class PreviousApproval(Strict):
    meeting: str = Field(json_schema_extra=label("承認された会議", "Approving meeting"))
    changes: list[str] = Field(
        default_factory=list, json_schema_extra=label("変更内容", "Changes since approval")
    )


class Case(Strict):
    number: str = Field(min_length=1, json_schema_extra=label("資料番号", "Case number"))
    title: str = Field(min_length=1, json_schema_extra=label("件名", "Title"))
    department: str = Field(min_length=1, json_schema_extra=label("担当課", "Department"))
    meeting: Day = Field(None, json_schema_extra=label("審議会の開催日", "Meeting date"))
    session: int | None = Field(None, ge=1, le=99, json_schema_extra=label("審議会の回次（第何回）", "Council session (No.)"))
    kinds: list[Kind] = Field(min_length=1, json_schema_extra=label("区分", "Kinds"))
    scope: Scope = Field(Scope.individual_case, json_schema_extra=label("範囲", "Scope"))
    previous_approval: PreviousApproval | None = None

    @field_validator("number", mode="before")
    @classmethod
    def _number_as_text(cls, value: Any) -> Any:
        # People write `number: 27` in YAML; the case number is an identifier, keep it as text.
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class Business(Strict):
    purpose: str | None = Field(None, json_schema_extra=label("目的", "Purpose"))
    subjects: str | None = Field(None, json_schema_extra=label("対象者", "Data subjects"))
    subject_count: int | None = Field(None, ge=0, le=MAX_SUBJECTS, json_schema_extra=label("対象者数", "Subjects"))
    # An addition to the format: vendor staff handle personal data face to face (counter, reception,
    # home visits), which councils ask training about even when the proposal is silent on it.
    in_person_handling: YesNo = Field(
        None, json_schema_extra=label("受託者の従事者による対面での取扱い", "Vendor staff handle data in person")
    )


class Data(Strict):
    items: list[str] = Field(default_factory=list, json_schema_extra=label("取扱項目", "Items"))
    added_items: list[str] = Field(
        default_factory=list, json_schema_extra=label("追加項目", "Added items")
    )
    media: list[Media] = Field(default_factory=list, json_schema_extra=label("媒体", "Media"))
    sensitive: YesNo = Field(None, json_schema_extra=label("要配慮個人情報", "Sensitive data"))
    my_number: YesNo = Field(None, json_schema_extra=label("特定個人情報", "My Number data"))
    pia_done: YesNo = Field(None, json_schema_extra=label("特定個人情報保護評価", "PIA done"))
    minimised: YesNo = Field(None, json_schema_extra=label("必要最小限の確認", "Minimised"))
    # Additions to the format: personal data put on an external service or published, and the people told.
    external_service: YesNo = Field(
        None, json_schema_extra=label("外部サービスへの個人情報の登録", "Put on an external service")
    )
    published: YesNo = Field(None, json_schema_extra=label("個人情報の公表・掲載", "Published"))
    notice_or_consent: YesNo = Field(
        None, json_schema_extra=label("本人への通知・同意", "People told or consenting")
    )


class Vendor(Strict):
    name: str | None = Field(None, json_schema_extra=label("委託先", "Vendor"))
    selection: Selection | None = Field(None, json_schema_extra=label("選定方法", "Selection"))
    certifications: list[Certification] | None = Field(
        None, json_schema_extra=label("第三者認証", "Certifications")
    )
    per_person_access_control: YesNo = Field(
        None, json_schema_extra=label("個人ごとのアクセス制御", "Per-person access control")
    )
    antivirus: YesNo = Field(None, json_schema_extra=label("ウイルス対策の徹底", "Anti-virus"))
    requirements_confirmed: YesNo = Field(
        None, json_schema_extra=label("要件充足の確認", "Requirements confirmed")
    )
    # An addition to the format: the vendor's ability to manage personal data was checked before it was
    # chosen, whatever the selection method (PPC guide 4-8-9(1)).
    capability_checked: YesNo = Field(
        None, json_schema_extra=label("選定前の管理能力の確認", "Ability checked before selection")
    )


class Period(Strict):
    start: Day = Field(None, json_schema_extra=label("開始日", "Start"))
    end: Day = Field(None, json_schema_extra=label("終了日", "End"))

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        # A period that ends before it starts is a typing mistake in one of the two dates: refused
        # beside the end date, so the command line, the Excel form and the page all say so.
        start = info.data.get("start")
        if value is not None and isinstance(start, dt.date) and value < start:
            raise PydanticCustomError(
                "period_order", "end before start", {"start": start, "end": value}
            )
        return value


class Contract(Strict):
    special_provisions: YesNo = Field(
        None, json_schema_extra=label("特記事項の添付", "Special provisions")
    )
    clauses: list[Clause] | None = Field(None, json_schema_extra=label("契約条項", "Clauses"))
    staff_list: YesNo = Field(None, json_schema_extra=label("責任者・従事者の届出", "Staff list"))


class Subcontractor(Strict):
    name: str = Field(min_length=1, json_schema_extra=label("名称", "Name"))
    role: SubRole = Field(json_schema_extra=label("役割", "Role"))
    handles_personal_data: YesNo = Field(
        None, json_schema_extra=label("個人情報の取扱い", "Handles personal data")
    )
    approved_by_ward: YesNo = Field(None, json_schema_extra=label("{self}の承認", "Approved by {self}"))
    affiliate: YesNo = Field(None, json_schema_extra=label("子会社・関連会社", "Affiliate"))
    same_obligations: YesNo = Field(
        None, json_schema_extra=label("同等の義務", "Same obligations")
    )
    security_confirmed: YesNo = Field(
        None, json_schema_extra=label("委託先を通じたセキュリティ確認", "Security confirmed")
    )
    country: str | None = Field(None, json_schema_extra={**label("所在国", "Country"), "values": "country"})
    tier: int = Field(1, ge=1, le=MAX_TIER, json_schema_extra=label("階層", "Tier"))
    # An addition to the format: how the approved re-delegate is checked during the work (PPC guide 4-8-9(4)).
    supervision_planned: YesNo = Field(
        None, json_schema_extra=label("委託先を通じた定期の確認", "Checked regularly through the vendor")
    )


    @field_validator("country", mode="before")
    @classmethod
    def _country_as_written(cls, value: Any) -> Any:
        # 日本, 国内, Japan, jp all mean JP (engine/countries.py); a blank country is not stated.
        if isinstance(value, str):
            return country_code(value) or None
        return value


class Antivirus(Strict):
    ward_terminals: YesNo = Field(None, json_schema_extra=label("{self}の端末", "{Self} terminals"))
    vendor_servers: YesNo = Field(None, json_schema_extra=label("受託者のサーバ", "Vendor servers"))
    auto_update: YesNo = Field(None, json_schema_extra=label("自動更新", "Auto update"))


class Authentication(Strict):
    method: AuthMethod | None = Field(None, json_schema_extra=label("認証方式", "Method"))
    per_person_accounts: YesNo = Field(
        None, json_schema_extra=label("個人単位のアカウント", "Per-person accounts")
    )
    mfa: YesNo = Field(None, json_schema_extra=label("多要素認証", "MFA"))
    password_rotation: Rotation | None = Field(
        None, json_schema_extra=label("パスワード変更", "Password rotation")
    )


class RemoteMaintenance(Strict):
    used: YesNo = Field(None, json_schema_extra=label("リモート保守の利用", "Used"))
    approved: YesNo = Field(None, json_schema_extra=label("事前承認", "Approved"))
    source_restricted: YesNo = Field(None, json_schema_extra=label("接続元制限", "Source limited"))
    mfa: YesNo = Field(None, json_schema_extra=label("多要素認証", "MFA"))
    logged: YesNo = Field(None, json_schema_extra=label("ログ記録", "Logged"))
    # Additions to the format: the trusted link itself (a maintenance VPN, a vendor's connected system).
    connection: RemoteConnection | None = Field(
        None, json_schema_extra=label("接続の形態（常時・作業の都度）", "Connection (permanent or per job)")
    )
    appliance_patched: YesNo = Field(
        None, json_schema_extra=label("接続機器（VPN装置等）の脆弱性対策", "Connection appliance patched")
    )
    connectors_limited: YesNo = Field(
        None, json_schema_extra=label("接続できる者の限定と個人ごとの認証", "Who may connect limited, each authenticated")
    )
    protection_disabled: YesNo = Field(
        None,
        json_schema_extra=label(
            "委託先の指示によるウイルス対策・更新の停止", "Anti-malware or updates switched off on the vendor's instruction"
        ),
    )


class System(Strict):
    development: YesNo = Field(None, json_schema_extra=label("開発・改修", "Development"))
    vendor_test_data_only: YesNo = Field(
        None, json_schema_extra=label("受託者はテストデータのみ", "Vendor test data only")
    )
    real_data_verification_by: VerifiedBy | None = Field(
        None, json_schema_extra=label("実データ検証者", "Real-data verification by")
    )
    data_takeout: YesNo = Field(None, json_schema_extra=label("データの持出し", "Data taken out"))
    vendor_work_prior_approval: YesNo = Field(
        None, json_schema_extra=label("作業の事前承認", "Prior approval of work")
    )
    staff_attend_migration: YesNo = Field(
        None, json_schema_extra=label("職員の立会い", "Staff attend migration")
    )
    removable_media_banned: YesNo = Field(
        None, json_schema_extra=label("外部記録媒体の禁止", "Removable media banned")
    )
    internet_separated: YesNo = Field(
        None, json_schema_extra=label("インターネット分離", "Internet separated")
    )
    internet_facing: YesNo = Field(
        None, json_schema_extra=label("インターネット公開", "Internet facing")
    )
    firewall: YesNo = Field(None, json_schema_extra=label("ファイアウォール", "Firewall"))
    waf: YesNo = Field(None, json_schema_extra=label("WAF", "WAF"))
    antivirus: Antivirus = Field(default_factory=Antivirus)
    patches: YesNo = Field(None, json_schema_extra=label("セキュリティパッチ", "Patches"))
    authentication: Authentication = Field(default_factory=Authentication)
    access_log_monitoring: YesNo = Field(
        None, json_schema_extra=label("アクセスログ監視", "Access log monitoring")
    )
    backups: YesNo = Field(None, json_schema_extra=label("定期バックアップ", "Backups"))
    internal_security_review: YesNo = Field(
        None, json_schema_extra=label("内部対策の定期見直し", "Internal security review")
    )
    environment_separated: YesNo = Field(
        None, json_schema_extra=label("開発・本番環境の分離", "Environments separated")
    )
    development_ids_removed: YesNo = Field(
        None, json_schema_extra=label("作業用IDの削除", "Development IDs removed")
    )
    vulnerability_assessment: YesNo = Field(
        None, json_schema_extra=label("脆弱性診断", "Vulnerability assessment")
    )
    remote_maintenance: RemoteMaintenance = Field(default_factory=RemoteMaintenance)
    data_location: DataLocation | None = Field(
        None, json_schema_extra=label("データの保存場所", "Data location")
    )
    cloud_certifications: list[CloudCert] | None = Field(
        None, json_schema_extra=label("クラウドの認証", "Cloud certifications")
    )
    # Additions to the format: backups that survive ransomware, and the cloud service's end and level.
    backup_offline: YesNo = Field(
        None, json_schema_extra=label("オフライン又は変更できないバックアップ", "Offline or immutable backup")
    )
    restore_tested: YesNo = Field(None, json_schema_extra=label("復旧の試験", "Restore tested"))
    exit_plan: YesNo = Field(
        None, json_schema_extra=label("サービス終了時のデータの移行・消去の計画", "Exit plan (data moved and deleted)")
    )
    service_level: YesNo = Field(
        None, json_schema_extra=label("サービスレベルの合意（稼働率・復旧目標）", "Service level agreed")
    )


class ApplicationSite(Strict):
    hosting: Hosting | None = Field(None, json_schema_extra=label("サーバの設置", "Hosting"))
    https: YesNo = Field(None, json_schema_extra=label("HTTPS", "HTTPS"))
    applicant_mail_via_webmail: YesNo = Field(
        None, json_schema_extra=label("ウェブメール機能の利用", "Applicant mail via web-mail")
    )
    server_inside_firewall: YesNo = Field(
        None, json_schema_extra=label("ファイアウォール内設置", "Server inside firewall")
    )
    deleted_after_recruitment: YesNo = Field(
        None, json_schema_extra=label("募集終了後の削除", "Deleted after recruitment")
    )


class DomainAuth(Strict):
    spf: YesNo = Field(None, json_schema_extra=label("SPF", "SPF"))
    dkim: YesNo = Field(None, json_schema_extra=label("DKIM", "DKIM"))
    dmarc: YesNo = Field(None, json_schema_extra=label("DMARC", "DMARC"))


class Email(Strict):
    bulk_send: YesNo = Field(None, json_schema_extra=label("一斉送信", "Bulk send"))
    dedicated_account: YesNo = Field(
        None, json_schema_extra=label("専用アカウント", "Dedicated account")
    )
    recipients: Recipients | None = Field(None, json_schema_extra=label("宛先の指定", "Recipients"))
    multi_person_check: YesNo = Field(
        None, json_schema_extra=label("送信前の複数名確認", "Multi-person check")
    )
    procedure_manual: YesNo = Field(None, json_schema_extra=label("手順書", "Procedure manual"))
    joint_walkthrough: YesNo = Field(
        None, json_schema_extra=label("{self}と受託者の事前確認", "Joint walkthrough")
    )
    report_after_each_send: YesNo = Field(
        None, json_schema_extra=label("送信ごとの報告", "Report after each send")
    )
    attachments: Attachments | None = Field(
        None, json_schema_extra=label("添付ファイル", "Attachments")
    )
    sender_domain_auth: DomainAuth = Field(default_factory=DomainAuth)
    personal_data_in_content: YesNo = Field(
        None, json_schema_extra=label("本文の個人情報", "Personal data in content")
    )
    freemail: YesNo = Field(None, json_schema_extra=label("フリーメールの利用", "Free mail"))
    auto_forward: YesNo = Field(None, json_schema_extra=label("外部への自動転送", "Auto forward"))
    # An addition to the format: how many bulk sends are planned; the pre-send checklist gets one row each.
    planned_sends: int | None = Field(
        None, ge=0, le=500, json_schema_extra=label("送信予定回数", "Planned sends")
    )
    # Additions to the format: mail to one person that carries personal data, and its check before sending.
    individual_mail: YesNo = Field(
        None, json_schema_extra=label("個人情報を含む個別のメール送信", "Individual mail carrying personal data")
    )
    individual_mail_check: YesNo = Field(
        None, json_schema_extra=label("個別メールの送信前の確認（宛先・添付）", "Check before each individual mail")
    )


class Devices(Strict):
    private_devices: YesNo = Field(None, json_schema_extra=label("私物端末の利用", "Private devices"))
    private_device_capabilities: list[DeviceCapability] = Field(
        default_factory=list, json_schema_extra=label("私物端末でできること", "Capabilities")
    )
    devices_registered: YesNo = Field(
        None, json_schema_extra=label("端末の事前登録", "Devices registered")
    )
    access_bound_to_devices: YesNo = Field(
        None, json_schema_extra=label("登録端末への限定", "Access bound to devices")
    )
    handlers_limited_by_role: YesNo = Field(
        None, json_schema_extra=label("役職による取扱者の限定", "Handlers limited by role")
    )
    handlers_registered: YesNo = Field(
        None, json_schema_extra=label("取扱者の事前登録", "Handlers registered")
    )


class Lifecycle(Strict):
    data_returned: YesNo = Field(None, json_schema_extra=label("データの返却", "Data returned"))
    deletion_at_end: YesNo = Field(None, json_schema_extra=label("終了時の消去", "Deletion at end"))
    deletion_witnessed: YesNo = Field(
        None, json_schema_extra=label("消去の立会い", "Deletion witnessed")
    )
    deletion_certificate: YesNo = Field(
        None, json_schema_extra=label("消去証明書", "Deletion certificate")
    )
    backups_covered: YesNo = Field(
        None, json_schema_extra=label("バックアップ等の消去", "Backups covered")
    )
    deletion_method: DeletionMethod | None = Field(
        None, json_schema_extra=label("消去方法", "Deletion method")
    )
    handover_method: HandoverMethod | None = Field(
        None, json_schema_extra=label("受渡し方法", "Hand-over method")
    )
    # An addition to the format: the vendor's accounts on the {self}'s systems are removed when operation ends.
    vendor_accounts_removed: YesNo = Field(
        None, json_schema_extra=label("終了時の委託先アカウントの削除", "Vendor accounts removed at the end")
    )


class Supervision(Strict):
    on_site_inspection: YesNo = Field(None, json_schema_extra=label("立入り調査", "On-site inspection"))
    inspections_per_year: int | None = Field(
        None, ge=0, le=MAX_INSPECTIONS_PER_YEAR, json_schema_extra=label("年間の立入り調査回数", "Inspections per year")
    )
    inspection_checklist: YesNo = Field(
        None, json_schema_extra=label("調査チェックシート", "Inspection checklist")
    )
    management_record: YesNo = Field(
        None, json_schema_extra=label("委託管理記録", "Management record")
    )
    annual_report: YesNo = Field(None, json_schema_extra=label("年次報告", "Annual report"))
    staff_training: YesNo = Field(None, json_schema_extra=label("従事者研修", "Staff training"))
    # An addition to the format: how often the vendor's staff are trained.
    trainings_per_year: int | None = Field(
        None, ge=0, le=365, json_schema_extra=label("年間の研修回数", "Trainings per year")
    )
    incident_manual: YesNo = Field(
        None, json_schema_extra=label("事故対応マニュアル", "Incident manual")
    )
    # Additions to the format: an inspection by video or photos where a visit is impracticable ("remote,
    # because…"), and what the {self} does with what supervision finds.
    remote_inspection: YesNo = Field(
        None, json_schema_extra=label("実地によらない確認（Web会議・写真等）", "Remote inspection (video, photos)")
    )
    remote_inspection_reason: str | None = Field(
        None, json_schema_extra=label("実地による検査が困難な理由", "Why a visit is impracticable")
    )
    reports_evaluated: YesNo = Field(
        None, json_schema_extra=label("受託者の報告の評価", "Vendor reports evaluated")
    )
    defects_corrected: YesNo = Field(
        None, json_schema_extra=label("不備の是正の求めと確認", "Defects corrected")
    )
    stop_work_on_incident: YesNo = Field(
        None, json_schema_extra=label("事故時の作業の停止", "Work stopped after an incident")
    )


class Sharing(Strict):
    """Cloud storage and shared links (an addition to the format)."""

    used: YesNo = Field(None, json_schema_extra=label("クラウドストレージ・共有リンクの利用", "Cloud storage or shared links used"))
    link_setting: LinkSharing | None = Field(
        None, json_schema_extra=label("共有リンクの公開範囲", "Who a shared link reaches")
    )
    link_creators_limited: YesNo = Field(
        None, json_schema_extra=label("共有リンクを作成できる者の限定", "Who may create links limited")
    )


class Staffing(Strict):
    """People outside the contract who handle the data (an addition to the format)."""

    agency_staff: YesNo = Field(
        None, json_schema_extra=label("派遣・臨時の従事者による取扱い", "Agency or temporary staff handle data")
    )
    agency_staff_bound: YesNo = Field(
        None, json_schema_extra=label("派遣等の従事者への守秘義務・研修・届出", "Agency staff bound, trained and listed")
    )
    outside_access: YesNo = Field(
        None,
        json_schema_extra=label(
            "契約外の者（データセンター職員等）が個人情報に触れうる", "Others (e.g. data-centre staff) can reach the data"
        ),
    )
    outside_access_controlled: YesNo = Field(
        None, json_schema_extra=label("契約外の者のアクセスの制限と記録", "Their access limited and logged")
    )
    helpdesk_subcontracted: YesNo = Field(
        None, json_schema_extra=label("委託先のヘルプデスク等の外部委託", "Vendor's helpdesk subcontracted")
    )


class Printing(Strict):
    """Paper, print and post: printed notices, counter hand-overs, paper kept at the vendor (an addition)."""

    printed_notices: YesNo = Field(
        None, json_schema_extra=label("通知書等の印刷・封入・発送", "Notices printed, enclosed and posted")
    )
    enclosure_check: YesNo = Field(
        None, json_schema_extra=label("封入物と宛先の照合（誤封入・誤送付の防止）", "Enclosures checked against addresses")
    )
    counter_handover: YesNo = Field(
        None, json_schema_extra=label("窓口での書類の受渡し", "Documents handed over at a counter")
    )
    counter_check: YesNo = Field(
        None, json_schema_extra=label("窓口での本人確認と受渡しの記録", "Identity checked and hand-over recorded")
    )
    paper_at_vendor: YesNo = Field(
        None, json_schema_extra=label("受託者の事業所での紙の保管", "Paper kept at the vendor's site")
    )
    paper_locked: YesNo = Field(
        None, json_schema_extra=label("紙の施錠保管と持出しの記録", "Paper locked away, removals recorded")
    )


class Assurance(Strict):
    """An assurance other than a certification (an addition to the format): a public body formally
    permitted, designated or audited the arrangement, e.g. the ministry responsible for the work."""

    granted_by: str = Field(min_length=1, json_schema_extra=label("付与した機関", "Granted by"))
    granted_on: Annotated[dt.date, AfterValidator(_in_range)] = Field(json_schema_extra=label("付与日", "Granted on"))
    scope: AssuranceScope = Field(json_schema_extra=label("対象", "Applies to"))
    covers: str = Field(min_length=1, json_schema_extra=label("保証の内容", "What it covers"))
    reference: str | None = Field(None, json_schema_extra=label("文書番号等", "Reference"))


class ExceptionEntry(Strict):
    """A waiver of one rule for this proposal, decided by the council (an addition to the format)."""

    rule: str = Field(min_length=1, json_schema_extra=label("適用除外とするルール", "Rule waived"))
    reason: str | None = Field(None, json_schema_extra=label("理由", "Reason"))
    compensating: str | None = Field(None, json_schema_extra=label("代替措置", "Compensating"))
    approved_by: str | None = Field(None, json_schema_extra=label("承認者", "Approved by"))
    decision: str | None = Field(None, json_schema_extra=label("決定（会議名・日付）", "Decision"))
    until: Day = Field(None, json_schema_extra=label("期限", "Until"))


class Proposal(Strict):
    """One proposal submitted to the council."""

    format: Literal["itaku/v1"] = Field(json_schema_extra=label("形式", "Format"))
    case: Case
    business: Business | None = None
    data: Data | None = None
    vendor: Vendor | None = None
    period: Period | None = None
    work_location: WorkLocation | None = Field(
        None, json_schema_extra=label("作業場所", "Work location")
    )
    contract: Contract | None = None
    subcontractors: list[Subcontractor] | None = Field(
        None, json_schema_extra=label("再委託先等", "Subcontractors")
    )
    assurances: list[Assurance] | None = Field(
        None, json_schema_extra=label("認証以外の保証", "Assurances other than certification")
    )
    system: System | None = None
    application_site: ApplicationSite | None = None
    email: Email | None = None
    devices: Devices | None = None
    lifecycle: Lifecycle | None = None
    supervision: Supervision | None = None
    sharing: Sharing | None = None
    staffing: Staffing | None = None
    printing: Printing | None = None
    responses: dict[str, str] = Field(
        default_factory=dict, json_schema_extra=label("担当課の対応", "Responses")
    )
    exceptions: list[ExceptionEntry] = Field(
        default_factory=list, json_schema_extra=label("例外", "Exceptions")
    )
