# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'unlock.ui'
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
from PySide6.QtWidgets import (QApplication, QComboBox, QFormLayout, QHBoxLayout,
    QLabel, QLineEdit, QPushButton, QSizePolicy,
    QSpacerItem, QVBoxLayout, QWidget)

class Ui_UnlockForm(object):
    def setupUi(self, UnlockForm):
        if not UnlockForm.objectName():
            UnlockForm.setObjectName(u"UnlockForm")
        UnlockForm.resize(440, 360)
        self.mainLayout = QVBoxLayout(UnlockForm)
        self.mainLayout.setSpacing(12)
        self.mainLayout.setObjectName(u"mainLayout")
        self.schoolLabel = QLabel(UnlockForm)
        self.schoolLabel.setObjectName(u"schoolLabel")
        self.schoolLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.schoolLabel)

        self.subtitleLabel = QLabel(UnlockForm)
        self.subtitleLabel.setObjectName(u"subtitleLabel")
        self.subtitleLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.subtitleLabel)

        self.demoLabel = QLabel(UnlockForm)
        self.demoLabel.setObjectName(u"demoLabel")
        self.demoLabel.setWordWrap(True)
        self.demoLabel.setTextInteractionFlags(Qt.TextSelectableByMouse)

        self.mainLayout.addWidget(self.demoLabel)

        self.formLayout = QFormLayout()
        self.formLayout.setObjectName(u"formLayout")
        self.accountLabel = QLabel(UnlockForm)
        self.accountLabel.setObjectName(u"accountLabel")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.accountLabel)

        self.accountCombo = QComboBox(UnlockForm)
        self.accountCombo.setObjectName(u"accountCombo")
        self.accountCombo.setEditable(True)

        self.formLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.accountCombo)

        self.passwordLabel = QLabel(UnlockForm)
        self.passwordLabel.setObjectName(u"passwordLabel")

        self.formLayout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.passwordLabel)

        self.passwordEdit = QLineEdit(UnlockForm)
        self.passwordEdit.setObjectName(u"passwordEdit")
        self.passwordEdit.setEchoMode(QLineEdit.Password)

        self.formLayout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.passwordEdit)


        self.mainLayout.addLayout(self.formLayout)

        self.messageLabel = QLabel(UnlockForm)
        self.messageLabel.setObjectName(u"messageLabel")
        self.messageLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.messageLabel)

        self.buttonLayout = QHBoxLayout()
        self.buttonLayout.setObjectName(u"buttonLayout")
        self.recoveryButton = QPushButton(UnlockForm)
        self.recoveryButton.setObjectName(u"recoveryButton")
        self.recoveryButton.setAutoDefault(False)

        self.buttonLayout.addWidget(self.recoveryButton)

        self.buttonSpacer = QSpacerItem(20, 10, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.buttonLayout.addItem(self.buttonSpacer)

        self.signInButton = QPushButton(UnlockForm)
        self.signInButton.setObjectName(u"signInButton")

        self.buttonLayout.addWidget(self.signInButton)


        self.mainLayout.addLayout(self.buttonLayout)

#if QT_CONFIG(shortcut)
        self.accountLabel.setBuddy(self.accountCombo)
        self.passwordLabel.setBuddy(self.passwordEdit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.accountCombo, self.passwordEdit)
        QWidget.setTabOrder(self.passwordEdit, self.signInButton)
        QWidget.setTabOrder(self.signInButton, self.recoveryButton)

        self.retranslateUi(UnlockForm)

        self.signInButton.setDefault(True)


        QMetaObject.connectSlotsByName(UnlockForm)
    # setupUi

    def retranslateUi(self, UnlockForm):
        UnlockForm.setWindowTitle(QCoreApplication.translate("UnlockForm", u"Sign in", None))
        self.schoolLabel.setText(QCoreApplication.translate("UnlockForm", u"School", None))
#if QT_CONFIG(accessibility)
        self.schoolLabel.setAccessibleDescription(QCoreApplication.translate("UnlockForm", u"School", None))
#endif // QT_CONFIG(accessibility)
        self.subtitleLabel.setText(QCoreApplication.translate("UnlockForm", u"Sign in to open the school's safeguarding records.", None))
        self.demoLabel.setText("")
#if QT_CONFIG(accessibility)
        self.demoLabel.setAccessibleDescription(QCoreApplication.translate("UnlockForm", u"Demo school sign-in", None))
#endif // QT_CONFIG(accessibility)
        self.accountLabel.setText(QCoreApplication.translate("UnlockForm", u"&Account", None))
#if QT_CONFIG(accessibility)
        self.accountCombo.setAccessibleName(QCoreApplication.translate("UnlockForm", u"Account", None))
#endif // QT_CONFIG(accessibility)
        self.passwordLabel.setText(QCoreApplication.translate("UnlockForm", u"&Password", None))
#if QT_CONFIG(accessibility)
        self.passwordEdit.setAccessibleName(QCoreApplication.translate("UnlockForm", u"Password", None))
#endif // QT_CONFIG(accessibility)
        self.messageLabel.setText("")
        self.recoveryButton.setText(QCoreApplication.translate("UnlockForm", u"Use the &recovery key\u2026", None))
        self.signInButton.setText(QCoreApplication.translate("UnlockForm", u"&Sign in", None))
    # retranslateUi

