# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'setup_school.ui'
##
## Created by: Qt User Interface Compiler version 6.12.0
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QApplication, QComboBox, QFormLayout, QLabel,
    QLineEdit, QSizePolicy, QSpacerItem, QVBoxLayout,
    QWidget, QWizardPage)

class Ui_SetupSchoolPage(object):
    def setupUi(self, SetupSchoolPage):
        if not SetupSchoolPage.objectName():
            SetupSchoolPage.setObjectName(u"SetupSchoolPage")
        self.mainLayout = QVBoxLayout(SetupSchoolPage)
        self.mainLayout.setObjectName(u"mainLayout")
        self.formLayout = QFormLayout()
        self.formLayout.setObjectName(u"formLayout")
        self.schoolNameLabel = QLabel(SetupSchoolPage)
        self.schoolNameLabel.setObjectName(u"schoolNameLabel")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.schoolNameLabel)

        self.schoolNameEdit = QLineEdit(SetupSchoolPage)
        self.schoolNameEdit.setObjectName(u"schoolNameEdit")
        self.schoolNameEdit.setMaxLength(200)

        self.formLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.schoolNameEdit)

        self.wordLabel = QLabel(SetupSchoolPage)
        self.wordLabel.setObjectName(u"wordLabel")

        self.formLayout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.wordLabel)

        self.wordCombo = QComboBox(SetupSchoolPage)
        self.wordCombo.setObjectName(u"wordCombo")

        self.formLayout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.wordCombo)


        self.mainLayout.addLayout(self.formLayout)

        self.messageLabel = QLabel(SetupSchoolPage)
        self.messageLabel.setObjectName(u"messageLabel")
        self.messageLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.messageLabel)

        self.verticalSpacer = QSpacerItem(10, 10, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.mainLayout.addItem(self.verticalSpacer)

#if QT_CONFIG(shortcut)
        self.schoolNameLabel.setBuddy(self.schoolNameEdit)
        self.wordLabel.setBuddy(self.wordCombo)
#endif // QT_CONFIG(shortcut)

        self.retranslateUi(SetupSchoolPage)

        QMetaObject.connectSlotsByName(SetupSchoolPage)
    # setupUi

    def retranslateUi(self, SetupSchoolPage):
        SetupSchoolPage.setTitle(QCoreApplication.translate("SetupSchoolPage", u"Your school", None))
        SetupSchoolPage.setSubTitle(QCoreApplication.translate("SetupSchoolPage", u"The name appears on every printed page; the word you use for children appears everywhere in the app.", None))
        self.schoolNameLabel.setText(QCoreApplication.translate("SetupSchoolPage", u"School na&me", None))
#if QT_CONFIG(accessibility)
        self.schoolNameEdit.setAccessibleName(QCoreApplication.translate("SetupSchoolPage", u"School name", None))
#endif // QT_CONFIG(accessibility)
        self.wordLabel.setText(QCoreApplication.translate("SetupSchoolPage", u"We call children &our", None))
#if QT_CONFIG(accessibility)
        self.wordCombo.setAccessibleName(QCoreApplication.translate("SetupSchoolPage", u"Word for children", None))
#endif // QT_CONFIG(accessibility)
        self.messageLabel.setText("")
    # retranslateUi

